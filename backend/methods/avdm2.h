// AVDM2 distillation (specs/000): video adversarial distribution matching plus
// frame-level 2D score distribution matching, with 1/2/4-step students.
#pragma once
#include <filesystem>
#include <memory>
#include <string>

#include "train/method.h"

namespace vds {

std::unique_ptr<Method> makeAvdm2Distillation();

// The name a student package gets: "shapes-avdm2-4step", plus the style model's folder
// name without "style-" unless the style model is the built-in image base, so that
// students of different styles differ by name in Compare and Styles
// ("shapes-avdm2-4step-pastel" for builtin:style-pastel).
std::string studentPackageName(size_t steps, const std::filesystem::path& stylePath);

}  // namespace vds
