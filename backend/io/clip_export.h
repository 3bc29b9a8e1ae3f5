// Clips to one video file: what `vdstudio-cli export`, `sample --out x.mp4` and the
// studio's Export dialog share, so they write the same picture.
//
// A single clip with no title and no labels is written as it is: settings.scale
// upscales it (nearest) or settings.width/height resize it (area). Anything else is the
// labelled grid of io/composite.h; there settings.scale enlarges the clips inside the
// grid (the labels keep their text size) and a target size resizes the whole grid.
#pragma once
#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <vector>

#include "io/composite.h"
#include "io/video_encoder.h"

namespace vds {

// The grid for clips labelled one each (labels empty, or one per clip), as the CLI lays
// them out: when the labels split the clips into equal runs of one label, each run is a
// row labelled with it; otherwise every clip is a row with its own label. No labels: a
// near-square grid. One untitled clip gets no labels at all (it is written as it is).
GridOptions gridForLabels(size_t clipCount, const std::vector<std::string>& labels, const std::string& title);

// Whether the grid draws text (a title, row or column labels).
bool gridHasText(const GridOptions& grid);

// The frames that writeClipsVideo encodes, uint8 [F, H, W, 3] before the encoder's
// scaling: the clip itself, or the composite (then settings.scale moves into the grid
// and settings.scale becomes 1). DataError for no clips or a clip that is not a clip.
torch::Tensor exportFrames(const std::vector<torch::Tensor>& clips, GridOptions grid, VideoEncodeSettings& settings);

// Writes `clips` to `out` in settings.format (unset: from the path). Checks that FFmpeg
// has the encoder and creates the parent folder first, then encodes exportFrames();
// errors are encodeVideo's (IoError naming `out`, CancelledError leaving nothing behind).
EncodeReport writeClipsVideo(const std::filesystem::path& out, const std::vector<torch::Tensor>& clips,
                             const GridOptions& grid, VideoEncodeSettings settings);

}  // namespace vds
