# cli_run.cmake - what the CLI test scripts share: run(EXPECTED_CODE COMMAND...) runs a command,
# fails the test with its output when it exits otherwise, and leaves its stdout in `last_output`
# and its stderr in `last_error`.
function(run expect_code)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL expect_code)
    message(FATAL_ERROR "${ARGN}\nexited ${code} (expected ${expect_code})\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
  set(last_error "${err}" PARENT_SCOPE)
endfunction()
