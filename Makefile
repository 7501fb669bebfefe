# The two commands of the README, and a few more for developers.
#   make demo   install what is missing, build, train the Iris DNNClassifier into
#               models/iris, evaluate, predict, list the files
#   make test   install what is missing, build, run the whole suite (plain and
#               under AddressSanitizer + UndefinedBehaviorSanitizer)
#   make test-long  the crash tests with 1000 SIGKILLs instead of 200 (Estimator;
#               Keras ModelCheckpoint a quarter of that; 100 instead of 6 for
#               a rank of `mpirun -np 2 cairn train`)
JOBS ?= $(shell nproc)
BUILD ?= build
ASAN_BUILD ?= build-asan
CMAKE_FLAGS ?=
# $(BUILD) and $(ASAN_BUILD) are built whole, once (`make test` on a clean
# clone is CI), so they compile in unity batches with -g1 (CMakeLists.txt
# says why, and why neither is the default).
MAKE_CMAKE_FLAGS = -DCAIRN_UNITY_BUILD=ON -DCAIRN_MINIMAL_DEBUG_INFO=ON

.PHONY: all deps build demo test test-plain test-asan test-long format format-check clean

all: build

deps:
	@bash scripts/install-deps.sh
	@bash scripts/install-node-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja $(MAKE_CMAKE_FLAGS) $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

demo: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target cairn_command premade_estimator save_and_inspect
	@bash scripts/demo.sh $(BUILD)

test: deps format-check test-plain test-asan

test-plain: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DCAIRN_SANITIZE=address,undefined -DCAIRN_BENCH=OFF $(MAKE_CMAKE_FLAGS) $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

test-long: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target crash_test keras_crash_test
	CAIRN_CRASH_KILLS=$${CAIRN_CRASH_KILLS:-1000} $(BUILD)/src/crash_test
	CAIRN_CRASH_KILLS=$${CAIRN_CRASH_KILLS:-1000} $(BUILD)/src/keras_crash_test
	cmake --build $(BUILD) -j $(JOBS) --target cairn_command mpirun_train_mpi_test
	cd $(BUILD) && CAIRN_MPI_CRASH_KILLS=$${CAIRN_MPI_CRASH_KILLS:-100} \
	  ctest --output-on-failure -R '^mpirun_train_mpi_test$$'

# libFuzzer targets (fuzz/), built with clang in $(FUZZ_BUILD), seeded and run
# FUZZ_SECONDS each; see scripts/run-fuzz.sh. Separate from `make test`.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60

.PHONY: fuzz
fuzz: deps
	@bash scripts/install-fuzz-deps.sh
	cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCAIRN_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ $(CMAKE_FLAGS)
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_targets
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/run-fuzz.sh $(FUZZ_BUILD)

# Checkpoint I/O and training benchmarks of `cairn-bench` (bench/) against raw
# I/O, fio (the disk's own limit), PyTorch, NumPy and h5py, measured in one run
# (scripts/bench/run_bench.py); writes bench/RESULTS.md.
# Not part of `make test`. Quick try: make bench BENCH_ARGS=--quick
RELEASE_BUILD ?= build-release
BENCH_ARGS ?=

.PHONY: bench
bench: deps
	@bash scripts/install-bench-deps.sh
	cmake -S . -B $(RELEASE_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)
	cmake --build $(RELEASE_BUILD) -j $(JOBS) --target cairn_bench_command
	/usr/bin/python3 scripts/bench/run_bench.py --cairn-bench $(RELEASE_BUILD)/bin/cairn-bench \
	  --out bench/RESULTS.md $(BENCH_ARGS)

FORMAT_FILES = $(shell git ls-files '*.cc' '*.h' 2>/dev/null)

format:
	clang-format -i $(FORMAT_FILES)

format-check: deps
	@clang-format --dry-run --Werror $(FORMAT_FILES) && echo "clang-format: clean"

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
