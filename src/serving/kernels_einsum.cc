// Einsum of one or two operands without ellipses or repeated labels:
// transposes ("ij->ji"), and every two-operand form that is a batched
// matrix product: each label is a batch label (in both operands and the
// output), a contracted one (in both, not the output) or a free one (in one
// operand and the output). "ij,jk->ik", "bij,bjk->bik", "bi,bi->b",
// "i,j->ij" and their transposed outputs are such forms. Each operand is
// permuted to [batch, free, contracted] order, multiplied with
// batch_matmul.h, and the product permuted to the output's order. Other
// forms (sums over a label of one operand, diagonals, "...") are refused.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "serving/batch_matmul.h"
#include "serving/kernel.h"
#include "serving/layout.h"

namespace cairn::serving::internal {
namespace {

using Outputs = Result<std::vector<Tensor>>;

struct Equation {
  std::vector<std::string> inputs;
  std::string output;
};

// "ab,bc->ac" split at ',' and "->"; without "->" the output is every label
// used once, sorted (numpy's implicit mode).
Result<Equation> parse_equation(const KernelContext& ctx, std::string text) {
  text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
  if (text.find("...") != std::string::npos) return ctx.invalid("ellipses are not supported");
  Equation eq;
  const size_t arrow = text.find("->");
  const std::string lhs = text.substr(0, arrow);
  for (size_t start = 0;;) {
    const size_t comma = lhs.find(',', start);
    eq.inputs.push_back(lhs.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (arrow != std::string::npos) {
    eq.output = text.substr(arrow + 2);
  } else {
    for (char c : lhs) {
      if (c != ',' && std::count(lhs.begin(), lhs.end(), c) == 1) eq.output += c;
    }
    std::sort(eq.output.begin(), eq.output.end());
  }
  for (const std::string& labels : eq.inputs) {
    for (char c : labels + eq.output) {
      if (!std::isalpha(static_cast<unsigned char>(c)))
        return ctx.invalid("bad label '" + std::string(1, c) + "'");
    }
  }
  return eq;
}

bool has(const std::string& labels, char c) { return labels.find(c) != std::string::npos; }

bool repeats(const std::string& labels) {
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels.find(labels[i], i + 1) != std::string::npos) return true;
  }
  return false;
}

// The size of every label; INVALID_ARGUMENT when operands disagree on one or
// an operand's rank differs from its label count.
Result<std::vector<int64_t>> label_sizes(const KernelContext& ctx, const Equation& eq) {
  std::vector<int64_t> size(128, -1);
  for (size_t i = 0; i < eq.inputs.size(); ++i) {
    const TensorShape& s = ctx.inputs[i]->shape();
    if (static_cast<int>(eq.inputs[i].size()) != s.rank() || repeats(eq.inputs[i])) {
      return ctx.invalid("labels '" + eq.inputs[i] + "' do not fit operand " + std::to_string(i) +
                         " of " + s.to_string() + " (one distinct label per axis)");
    }
    for (int d = 0; d < s.rank(); ++d) {
      int64_t& known = size[static_cast<size_t>(eq.inputs[i][static_cast<size_t>(d)])];
      if (known >= 0 && known != s.dim(d)) {
        return ctx.invalid("label '" + std::string(1, eq.inputs[i][static_cast<size_t>(d)]) +
                           "' has sizes " + std::to_string(known) + " and " +
                           std::to_string(s.dim(d)));
      }
      known = s.dim(d);
    }
  }
  for (char c : eq.output) {
    if (size[static_cast<size_t>(c)] < 0 || std::count(eq.output.begin(), eq.output.end(), c) > 1) {
      return ctx.invalid("output label '" + std::string(1, c) + "' is not one input label");
    }
  }
  return size;
}

// The axes of `labels` at which `order`'s labels sit, and their sizes.
std::vector<int> axes_of(const std::string& labels, const std::string& order) {
  std::vector<int> axes;
  for (char c : order) axes.push_back(static_cast<int>(labels.find(c)));
  return axes;
}

int64_t product(const std::vector<int64_t>& size, const std::string& labels) {
  int64_t p = 1;
  for (char c : labels) p *= size[static_cast<size_t>(c)];
  return p;
}

TensorShape shape_of(const std::vector<int64_t>& size, const std::string& labels) {
  std::vector<int64_t> dims;
  for (char c : labels) dims.push_back(size[static_cast<size_t>(c)]);
  return TensorShape(dims);
}

Outputs two_operands(const KernelContext& ctx, const Equation& eq,
                     const std::vector<int64_t>& size) {
  const std::string &a = eq.inputs[0], &b = eq.inputs[1], &out = eq.output;
  std::string batch, contracted, free_a, free_b;
  for (char c : a) {
    if (has(b, c))
      (has(out, c) ? batch : contracted) += c;
    else if (has(out, c))
      free_a += c;
    else
      return ctx.invalid("label '" + std::string(1, c) +
                         "' is summed over one operand only, which is not supported");
  }
  for (char c : b) {
    if (has(a, c)) continue;
    if (!has(out, c))
      return ctx.invalid("label '" + std::string(1, c) +
                         "' is summed over one operand only, which is not supported");
    free_b += c;
  }
  // Products of dims of existing operands, or of the output once checked.
  const int64_t nb = product(size, batch), m = product(size, free_a), k = product(size, contracted),
                n = product(size, free_b);
  CAIRN_ASSIGN_OR_RETURN(Tensor x, permuted(ctx, *ctx.inputs[0], ctx.inputs[0]->shape(),
                                            axes_of(a, batch + free_a + contracted), {nb, m, k}));
  CAIRN_ASSIGN_OR_RETURN(Tensor y, permuted(ctx, *ctx.inputs[1], ctx.inputs[1]->shape(),
                                            axes_of(b, batch + contracted + free_b), {nb, k, n}));
  CAIRN_ASSIGN_OR_RETURN(Tensor z, batch_matmul(ctx, x, y, false, false));
  const std::string order = batch + free_a + free_b;
  CAIRN_ASSIGN_OR_RETURN(Tensor result, permuted(ctx, z, shape_of(size, order), axes_of(order, out),
                                                 shape_of(size, out)));
  return std::vector<Tensor>{std::move(result)};
}

Outputs einsum(const KernelContext& ctx) {
  const tensorflow::AttrValue* equation = ctx.attr("equation");
  if (equation == nullptr) return ctx.invalid("has no attr 'equation'");
  CAIRN_ASSIGN_OR_RETURN(Equation eq, parse_equation(ctx, equation->s()));
  if (eq.inputs.size() != ctx.inputs.size() || eq.inputs.size() > 2) {
    return ctx.invalid("equation '" + equation->s() + "' does not name its " +
                       std::to_string(ctx.inputs.size()) + " operands (one or two are supported)");
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<int64_t> size, label_sizes(ctx, eq));
  if (eq.inputs.size() == 2) return two_operands(ctx, eq, size);
  if (eq.inputs[0].size() != eq.output.size()) {
    return ctx.invalid("equation '" + equation->s() +
                       "': only transposes of one operand are supported");
  }
  CAIRN_ASSIGN_OR_RETURN(Tensor out,
                         permuted(ctx, *ctx.inputs[0], axes_of(eq.inputs[0], eq.output)));
  return std::vector<Tensor>{std::move(out)};
}

}  // namespace

void register_einsum_kernels(KernelTable& table) { table["Einsum"] = einsum; }

}  // namespace cairn::serving::internal
