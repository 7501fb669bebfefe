// Internal to the optimizers: denormal floats flushed to zero while an update
// runs, as TensorFlow runs its ops (port::ScopedFlushDenormal). Slots that
// decay geometrically (Adam's moments, RMSprop's mean square, momentum) of
// weights whose gradient stays zero (e.g. the pixels that are always blank in
// MNIST) sink into the denormal range, where x86 arithmetic is about a hundred
// times slower; flushed, they become 0 instead. The flags are architectural,
// so every x86-64 CPU gives the same results.
//
//   {
//     FlushDenormals flush;   // sets FTZ and DAZ in MXCSR for this thread
//     ... update loops ...
//   }                         // restores the previous MXCSR
#pragma once

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#define CAIRN_HAVE_MXCSR 1
#endif

namespace cairn::optim::internal {

class FlushDenormals {
 public:
#ifdef CAIRN_HAVE_MXCSR
  FlushDenormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | kFlushToZero | kDenormalsAreZero); }
  ~FlushDenormals() { _mm_setcsr(saved_); }
#else
  FlushDenormals() {}  // other CPUs: left as they are
#endif
  FlushDenormals(const FlushDenormals&) = delete;
  FlushDenormals& operator=(const FlushDenormals&) = delete;

 private:
#ifdef CAIRN_HAVE_MXCSR
  static constexpr unsigned kFlushToZero = 0x8000;       // MXCSR.FTZ: denormal results -> 0
  static constexpr unsigned kDenormalsAreZero = 0x0040;  // MXCSR.DAZ: denormal inputs -> 0
  unsigned saved_;
#endif
};

}  // namespace cairn::optim::internal
