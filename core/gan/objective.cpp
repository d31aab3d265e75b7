// objective.cpp - the GAN objectives. See objective.h.
#include "gan/objective.h"

namespace ganvas {

std::vector<std::string> objective_names() { return {"bce"}; }

}  // namespace ganvas
