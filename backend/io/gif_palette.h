// One palette of at most 256 colours for a whole clip, for GIF export. A clip with
// at most 256 distinct colours (Shapes frames, contact sheets, pixel art) gets exactly
// those colours, so it round-trips losslessly; any other clip gets a median-cut palette
// and every pixel its nearest palette colour. One palette for all frames keeps colours
// from flickering between frames; no dithering, for the same reason.
#pragma once
#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <vector>

namespace vds {

inline constexpr int kGifMaxColours = 256;

struct PalettedClip {
  torch::Tensor indices;                        // uint8 [F, H, W], indices into palette
  std::vector<std::array<uint8_t, 3>> palette;  // 1..256 RGB entries
  bool exact = false;                           // every pixel kept its own colour
};

// frames: uint8 [F, H, W, 3]. maxColours in [2, 256].
PalettedClip paletteQuantise(const torch::Tensor& frames, int maxColours = kGifMaxColours);

}  // namespace vds
