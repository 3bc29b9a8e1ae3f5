// AVDM2 distillation (specs/000): video adversarial distribution matching plus
// frame-level 2D score distribution matching, with 1/2/4-step students.
#pragma once
#include <memory>

#include "train/method.h"

namespace vds {

std::unique_ptr<Method> makeAvdm2Distillation();

}  // namespace vds
