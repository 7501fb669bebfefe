# cairn_mpi_test(<executable target> NP <ranks> [ARGS args...] [NAME name]
#                [TIMEOUT seconds] [EXPECT_FAILURE] [OUTPUT regex...])
# registers the ctest `name` (default `<executable>_np<ranks>[_<args>]`; give
# one when the arguments are paths or options), which runs the
# executable on <ranks> processes under `mpirun --oversubscribe` (the CI
# machine has 2 cores). mpirun fails when any rank exits non-zero, so every
# rank's result counts. With OUTPUT, the test runs through
# check_command_output.cmake: it passes when the combined output matches
# every regex and the exit code is zero (non-zero with EXPECT_FAILURE).
#
# The environment below is set for these tests only, never for users: Open
# MPI refuses to run as root (CI containers) unless told twice; shared memory
# (vader) without CMA (process_vm_readv, which Docker's default seccomp
# profile refuses), and
# without probing network interfaces, InfiniBand or UCX, so jobs start in
# well under a second and print no warnings; no binding of ranks to cores,
# which there are fewer of than ranks; and idle ranks yield the CPU.
set(CAIRN_MPI_TEST_ENVIRONMENT
    OMPI_ALLOW_RUN_AS_ROOT=1
    OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    OMPI_MCA_rmaps_base_oversubscribe=1
    OMPI_MCA_pml=ob1
    OMPI_MCA_btl=self,vader
    OMPI_MCA_btl_vader_single_copy_mechanism=none
    OMPI_MCA_hwloc_base_binding_policy=none
    OMPI_MCA_mpi_yield_when_idle=1)
# Under AddressSanitizer: Open MPI's leaks at exit are suppressed by library
# (open_mpi_lsan.supp); its libraries have no frame pointers, so the stacks
# that name them need the slow unwinder (2-4x slower, for these tests only).
if(CAIRN_SANITIZE MATCHES "address")
  list(APPEND CAIRN_MPI_TEST_ENVIRONMENT
       ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0
       LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_LIST_DIR}/open_mpi_lsan.supp)
endif()

function(cairn_mpi_test exe)
  cmake_parse_arguments(ARG "EXPECT_FAILURE" "NP;NAME;TIMEOUT" "ARGS;OUTPUT" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 60)
  endif()
  set(name ${ARG_NAME})
  if(NOT name)
    set(name ${exe}_np${ARG_NP})
    foreach(arg ${ARG_ARGS})
      string(APPEND name "_${arg}")
    endforeach()
  endif()
  set(command ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${ARG_NP} --oversubscribe
              $<TARGET_FILE:${exe}> ${ARG_ARGS})
  if(ARG_OUTPUT OR ARG_EXPECT_FAILURE)
    # Lists cannot cross the command line whole: one -D per item.
    set(defines -DEXPECT_FAILURE=${ARG_EXPECT_FAILURE})
    list(LENGTH command count)
    list(APPEND defines -DCOMMAND_COUNT=${count})
    set(i 0)
    foreach(item ${command})
      list(APPEND defines "-DCOMMAND_${i}=${item}")
      math(EXPR i "${i} + 1")
    endforeach()
    list(LENGTH ARG_OUTPUT count)
    list(APPEND defines -DOUTPUT_COUNT=${count})
    set(i 0)
    foreach(regex ${ARG_OUTPUT})
      list(APPEND defines "-DOUTPUT_${i}=${regex}")
      math(EXPR i "${i} + 1")
    endforeach()
    set(command ${CMAKE_COMMAND} ${defines} -P ${CMAKE_SOURCE_DIR}/cmake/check_command_output.cmake)
  endif()
  add_test(NAME ${name} COMMAND ${command})
  set_tests_properties(${name} PROPERTIES ENVIRONMENT "${CAIRN_MPI_TEST_ENVIRONMENT}"
                       TIMEOUT ${ARG_TIMEOUT} PROCESSORS ${ARG_NP} LABELS mpi)
endfunction()

# cairn_mpi_launching_test(<executable target> [TIMEOUT seconds]) registers a
# gtest program that starts `mpirun` itself (src/testing/mpirun.h: a job in
# the background, signals to one rank) as one ctest, in the environment
# above, which its mpirun inherits.
function(cairn_mpi_launching_test exe)
  cmake_parse_arguments(ARG "" "TIMEOUT" "" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  add_test(NAME ${exe} COMMAND $<TARGET_FILE:${exe}>)
  set_tests_properties(${exe} PROPERTIES ENVIRONMENT "${CAIRN_MPI_TEST_ENVIRONMENT}"
                       TIMEOUT ${ARG_TIMEOUT} PROCESSORS 2 LABELS mpi)
endfunction()
