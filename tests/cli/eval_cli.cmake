# eval_cli.cmake - `ganvas eval` and `ganvas train --eval-every` through the real CLI: a run with
# eval.csv written every 10 steps ends in the same checkpoint bytes as the run without (scoring is
# off the training path); eval.csv has its header and the rows of steps 0, 10, 20, 30; `ganvas eval
# --json` of the checkpoint prints the measures, and its FD is eval.csv's last row's (the same 2,000
# samples); a classifier that is not one is refused with exit code 1.
# Run: cmake -DGANVAS=<ganvas> -DWORK=<dir> -P eval_cli.cmake
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

include("${CMAKE_CURRENT_LIST_DIR}/cli_run.cmake")

run(0 "${GANVAS}" train --steps 30 --out "${WORK}/plain")
run(0 "${GANVAS}" train --steps 30 --eval-every 10 --out "${WORK}/scored")
file(SHA256 "${WORK}/plain/checkpoint.safetensors" plain)
file(SHA256 "${WORK}/scored/checkpoint.safetensors" scored)
if(NOT plain STREQUAL scored)
  message(FATAL_ERROR "--eval-every changed the training: the checkpoints differ")
endif()
file(STRINGS "${WORK}/scored/eval.csv" rows)
list(LENGTH rows count)
list(GET rows 0 header)
if(NOT count EQUAL 5 OR NOT header STREQUAL "step,fd,modes,kl_uniform,confident,h0,h1,h2,h3,h4,h5,h6,h7,h8,h9")
  message(FATAL_ERROR "eval.csv should be the header and the rows of steps 0, 10, 20, 30:\n${rows}")
endif()
list(GET rows 4 last)
string(REPLACE "," ";" last_fields "${last}")
list(GET last_fields 0 last_step)
list(GET last_fields 1 last_fd)
if(NOT last_step EQUAL 30)
  message(FATAL_ERROR "eval.csv's last row is step ${last_step}, not 30")
endif()

run(0 "${GANVAS}" eval --checkpoint "${WORK}/scored/checkpoint.safetensors" --json)
string(JSON fd GET "${last_output}" fd)
string(JSON modes GET "${last_output}" modes)
string(JSON count GET "${last_output}" count)
if(NOT count EQUAL 2000)
  message(FATAL_ERROR "ganvas eval measured ${count} samples, not 2000")
endif()
string(REGEX REPLACE "\\..*" "" fd_int "${fd}")
string(REGEX REPLACE "\\..*" "" csv_int "${last_fd}")
if(NOT fd_int STREQUAL csv_int)
  message(FATAL_ERROR "ganvas eval says FD ${fd}; eval.csv's step 30 says ${last_fd}")
endif()
message(STATUS "30 steps: FD ${fd} (eval.csv ${last_fd}), ${modes} modes; --eval-every leaves the checkpoint unchanged")

run(1 "${GANVAS}" eval --checkpoint "${WORK}/plain/checkpoint.safetensors" --classifier "${WORK}/plain/checkpoint.safetensors")
if(NOT last_error MATCHES "not a usable classifier file")
  message(FATAL_ERROR "a checkpoint passed as the classifier was not refused by name:\n${last_error}")
endif()
