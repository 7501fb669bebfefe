# cmake -DCOMMAND_COUNT=n -DCOMMAND_0=... -DOUTPUT_COUNT=m -DOUTPUT_0=regex ...
#       [-DEXPECT_FAILURE=ON] -P check_command_output.cmake
# Runs the command and fails unless its output (stdout and stderr together)
# matches every regex and its exit code is zero, or non-zero when
# EXPECT_FAILURE. For cairn_mpi_test (CairnMpiTest.cmake): a job that must
# fail in a particular way, which ctest's PASS_REGULAR_EXPRESSION (any one
# regex, exit code ignored) cannot say.
set(command "")
math(EXPR last "${COMMAND_COUNT} - 1")
foreach(i RANGE ${last})
  list(APPEND command "${COMMAND_${i}}")
endforeach()
execute_process(COMMAND ${command} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE out)
message("${out}")
set(problems "")
if(EXPECT_FAILURE AND code EQUAL 0)
  string(APPEND problems "the command succeeded but should have failed\n")
elseif(NOT EXPECT_FAILURE AND NOT code EQUAL 0)
  string(APPEND problems "the command failed (${code})\n")
endif()
if(OUTPUT_COUNT GREATER 0)
  math(EXPR last "${OUTPUT_COUNT} - 1")
  foreach(i RANGE ${last})
    if(NOT out MATCHES "${OUTPUT_${i}}")
      string(APPEND problems "the output does not match: ${OUTPUT_${i}}\n")
    endif()
  endforeach()
endif()
if(problems)
  message(FATAL_ERROR "${problems}")
endif()
