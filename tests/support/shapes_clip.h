// One Shapes clip as the video tests encode it: uint8 [F, H, W, 3], train split clip
// `index` of a square world of side `size`, `frames` long, with world seed `seed`.
#pragma once
#include <torch/torch.h>

#include <cstdint>

#include "data/shapes_world.h"

namespace vds::test {

inline torch::Tensor shapesClip(int64_t index, int size, int frames, uint64_t seed) {
  WorldOptions options;
  options.width = options.height = size;
  options.frames = frames;
  options.seed = seed;
  const ShapesWorld world(options);
  return world.render(world.spec(Split::train, index));
}

}  // namespace vds::test
