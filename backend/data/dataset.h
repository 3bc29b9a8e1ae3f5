// Clip datasets: random access to (video, caption) samples. The Shapes world is the
// built-in one; video folders and latent caches implement the same interface.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

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

// The first `clips` clips of one split of a Shapes world, rendered in one style, or
// in each of several styles: index i is clip i / n in style styles[i % n], so every
// clip appears once per style (the autoencoder and the eval net train on all styles).
class ShapesDataset : public ClipDataset {
 public:
  ShapesDataset(WorldOptions options, Split split, int64_t clips, Style style = Style::plain);
  ShapesDataset(WorldOptions options, Split split, int64_t clips, std::vector<Style> styles);
  int64_t size() const override { return clips_ * static_cast<int64_t>(styles_.size()); }
  Sample get(int64_t index) const override;
  const ShapesWorld& world() const { return world_; }
  Split split() const { return split_; }
  Style style() const { return styles_.front(); }
  const std::vector<Style>& styles() const { return styles_; }
  // The scene and the style behind a dataset index.
  ClipSpec specOf(int64_t index) const;
  Style styleOf(int64_t index) const;

 private:
  void checkIndex(int64_t index) const;
  ShapesWorld world_;
  Split split_;
  int64_t clips_;
  std::vector<Style> styles_;
};

}  // namespace vds
