# link_roundtrip.cmake - `ganvas link` then `ganvas sample --link`, through the real CLI:
# train 20 steps, write the link of grid cell 7, rebuild the model from the link alone (replaying
# its recipe) and check that the digit's 784 floats are the bytes of cell 7 of the sender's grid
# (`ganvas sample --bn train`, the grid's batch statistics); a checkpoint of another step is
# refused with exit code 2. Run: cmake -DGANVAS=<ganvas> -DWORK=<dir> -P link_roundtrip.cmake
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

include("${CMAKE_CURRENT_LIST_DIR}/cli_run.cmake")

run(0 "${GANVAS}" train --steps 20 --out "${WORK}/run")
run(0 "${GANVAS}" train --steps 21 --out "${WORK}/run21")
run(0 "${GANVAS}" link --checkpoint "${WORK}/run/checkpoint.safetensors" --z-seed 1 --z-index 7 --base "http://localhost/ganvas.html")
string(STRIP "${last_output}" link)
string(LENGTH "${link}" length)
message(STATUS "link (${length} characters): ${link}")
run(0 "${GANVAS}" sample --link "${link}" --raw "${WORK}/digit.f32" --png "${WORK}/digit.png")
run(0 "${GANVAS}" sample --link "${link}" --checkpoint "${WORK}/run/checkpoint.safetensors" --raw "${WORK}/digit_ckpt.f32")
run(0 "${GANVAS}" sample --checkpoint "${WORK}/run/checkpoint.safetensors" --bn train --raw "${WORK}/grid.f32")
run(2 "${GANVAS}" sample --link "${link}" --checkpoint "${WORK}/run21/checkpoint.safetensors" --raw "${WORK}/other.f32")

file(READ "${WORK}/digit.f32" digit HEX)
file(READ "${WORK}/digit_ckpt.f32" digit_ckpt HEX)
file(READ "${WORK}/grid.f32" cell HEX OFFSET 21952 LIMIT 3136)  # row 7 of 64 x 784 float32
string(LENGTH "${digit}" hex_length)
if(NOT hex_length EQUAL 6272)
  message(FATAL_ERROR "the digit has ${hex_length} hex digits, not 784 float32")
endif()
if(NOT digit STREQUAL cell OR NOT digit_ckpt STREQUAL cell)
  message(FATAL_ERROR "the link's digit differs from cell 7 of the sender's grid")
endif()
message(STATUS "the link's digit is cell 7 of the grid, bit for bit (replayed and from the checkpoint)")
