// Clip datasets: random access to (video, caption) samples. The Shapes world is the
// built-in one; video folders and latent caches implement the same interface.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "data/shapes_world.h"

namespace vds {

struct Sample {
  torch::Tensor video;       // float [F, 3, H, W] in [-1, 1]
  std::string caption;
  torch::Tensor firstFrame;  // float [3, H, W] in [-1, 1]: the image-to-video condition
  int64_t index = 0;         // the dataset index this sample came from
};

// Read-only random access. get() must be safe to call from several threads at once
// (the data loader's workers do).
class ClipDataset {
 public:
  virtual ~ClipDataset() = default;
  virtual int64_t size() const = 0;
  // DataError when index is outside [0, size()).
  virtual Sample get(int64_t index) const = 0;
};

// The first `size` clips of one split of a Shapes world, rendered in one style.
class ShapesDataset : public ClipDataset {
 public:
  ShapesDataset(WorldOptions options, Split split, int64_t size, Style style = Style::plain);
  int64_t size() const override { return size_; }
  Sample get(int64_t index) const override;
  const ShapesWorld& world() const { return world_; }
  Split split() const { return split_; }
  Style style() const { return style_; }

 private:
  ShapesWorld world_;
  Split split_;
  int64_t size_;
  Style style_;
};

}  // namespace vds
