# lone_updates_cli.cmake - Step D / Step G through the real CLI: a run with lone updates made by
# `--change S:update=d|g` (as the page records them) and the same recipe written as JSON and
# replayed with `ganvas train --recipe` give the same checkpoint bytes; without the updates the
# bytes differ (the updates do something).
include(${CMAKE_CURRENT_LIST_DIR}/cli_run.cmake)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
run(0 ${GANVAS} train --steps 4 --seed 3 --change 2:update=d --change 2:adam_g.lr=0.001 --change 2:update=g
      --change 4:update=d --out ${WORK}/a)
file(WRITE ${WORK}/recipe.json "{\"config\":{},\"seed\":3,\"timeline\":[{\"step\":2,\"key\":\"update\",\"value\":\"d\"},"
     "{\"step\":2,\"key\":\"adam_g.lr\",\"value\":0.001},{\"step\":2,\"key\":\"update\",\"value\":\"g\"},"
     "{\"step\":4,\"key\":\"update\",\"value\":\"d\"}]}")
run(0 ${GANVAS} train --steps 4 --recipe ${WORK}/recipe.json --out ${WORK}/b)
run(0 ${GANVAS} train --steps 4 --seed 3 --change 2:adam_g.lr=0.001 --out ${WORK}/c)
file(SHA256 ${WORK}/a/checkpoint.safetensors a)
file(SHA256 ${WORK}/b/checkpoint.safetensors b)
file(SHA256 ${WORK}/c/checkpoint.safetensors c)
if(NOT a STREQUAL b)
  message(FATAL_ERROR "replaying the recipe with lone updates gave other bytes: ${a} vs ${b}")
endif()
if(a STREQUAL c)
  message(FATAL_ERROR "the lone updates changed nothing: the same bytes as the run without them")
endif()
