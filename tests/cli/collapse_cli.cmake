# collapse_cli.cmake - issue 10's CLI demonstration: `ganvas train --preset collapse` for 3,120
# steps ends with at most 3 modes (`ganvas eval`, 2,000 samples), and the same run with
# --remedy-at-alert raises the mode-collapse alert, applies its remedy (printed, and recorded in the
# checkpoint's recipe) and ends with at least 9 modes. Both on one thread (the bits do not depend on it).
# Run: cmake -DGANVAS=<ganvas> -DWORK=<dir> -P collapse_cli.cmake
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

include("${CMAKE_CURRENT_LIST_DIR}/cli_run.cmake")

function(modes_of dir out_var)
  run(0 "${GANVAS}" eval --checkpoint "${dir}/checkpoint.safetensors" --json)
  string(JSON modes GET "${last_output}" modes)
  string(JSON fd GET "${last_output}" fd)
  message(STATUS "${dir}: ${modes} modes, FD ${fd}")
  set(${out_var} "${modes}" PARENT_SCOPE)
endfunction()

run(0 "${GANVAS}" train --preset collapse --steps 3120 --threads 1 --out "${WORK}/collapse")
modes_of("${WORK}/collapse" collapsed)
if(collapsed GREATER 3)
  message(FATAL_ERROR "--preset collapse ended with ${collapsed} modes, not at most 3")
endif()

run(0 "${GANVAS}" train --preset collapse --steps 3120 --threads 1 --remedy-at-alert --out "${WORK}/remedied")
if(NOT last_output MATCHES "mode collapse: [^\n]*\n  remedy: ")
  message(FATAL_ERROR "--remedy-at-alert did not raise the mode-collapse alert with a remedy:\n${last_output}")
endif()
string(REGEX MATCH "step [0-9]+: mode collapse[^\n]*\n  remedy: [^\n]*" alert "${last_output}")
message(STATUS "${alert}")
modes_of("${WORK}/remedied" remedied)
if(remedied LESS 9)
  message(FATAL_ERROR "--preset collapse --remedy-at-alert ended with ${remedied} modes, not at least 9")
endif()
