// A labelled grid of many clips as one clip, for comparisons (methods x prompts, steps x
// seeds ...) that export as a single video. Drawn in the backend with stb_truetype
// (io/text_render.h), so the CLI, the GUI's export and reports all make the same picture.
//
//   +-------------------------------------------+
//   |                 title                     |  caption row (when the title is set)
//   +----------+-----------+-----------+--------+
//   |          |  column 0 |  column 1 |  ...   |  column labels (when set)
//   +----------+-----------+-----------+--------+
//   | row 0    |  clip     |  clip     |        |
//   | row 1    |  clip     |  clip     |        |  row labels (when set) on the left
//   +----------+-----------+-----------+--------+
//
// Clips fill the grid row by row. Every cell has the size of the largest (scaled) clip;
// a smaller clip is centred in its cell. The grid has as many frames as the longest
// clip; a shorter clip holds its last frame.
#pragma once
#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace vds {

struct GridOptions {
  // Clips per row. 0: the number of column labels when given, else enough for the
  // number of row labels when given, else ceil(sqrt(clips)) for a near-square grid.
  int64_t columns = 0;
  std::string title;                       // the caption row; empty: none
  std::vector<std::string> columnLabels;   // empty, or exactly one per column
  std::vector<std::string> rowLabels;      // empty, or exactly one per row
  int scale = 1;                           // nearest-neighbour upscale of every clip, [1, 64]
  int padding = 2;                         // pixels between and around the cells
  float textHeight = 12;                   // pixel height of label text; the title is 1.25x
  int maxRowLabelWidth = 240;              // longer row labels are shortened with "..."
  std::array<uint8_t, 3> background{24, 24, 24};
  std::array<uint8_t, 3> textColour{235, 235, 235};
  std::filesystem::path font;              // empty: io/text_render.h defaultFontPath()
};

// Where everything goes; every length in pixels.
struct GridLayout {
  int64_t rows = 0, columns = 0, frames = 0;
  int64_t cellHeight = 0, cellWidth = 0;
  int64_t titleHeight = 0;     // 0 without a title
  int64_t labelHeight = 0;     // 0 without column labels
  int64_t rowLabelWidth = 0;   // 0 without row labels
  int64_t padding = 0;
  int64_t height = 0, width = 0;
  int64_t cellTop(int64_t row) const { return titleHeight + labelHeight + padding + row * (cellHeight + padding); }
  int64_t cellLeft(int64_t column) const { return rowLabelWidth + padding + column * (cellWidth + padding); }
};

// The layout compositeGrid() uses, without drawing. DataError for no clips, a clip that
// is not uint8 [F, H, W, 3], or label counts that do not match the grid; ConfigError for
// bad options; IoError/FormatError when a font is needed and cannot be loaded.
GridLayout gridLayout(const std::vector<torch::Tensor>& clips, const GridOptions& options = {});

// The grid as uint8 [layout.frames, layout.height, layout.width, 3], ready for encodeVideo.
torch::Tensor compositeGrid(const std::vector<torch::Tensor>& clips, const GridOptions& options = {});

}  // namespace vds
