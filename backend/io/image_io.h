// PNG files and contact sheets, for previews, style image sets and reports.
#pragma once
#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <vector>

namespace vds {

// Writes uint8 [H, W, C] (C = 1, 3 or 4) as a PNG. DataError for a tensor of the
// wrong type or shape, IoError naming the path when the file cannot be written.
void writePng(const std::filesystem::path& path, const torch::Tensor& hwcUint8);

// Reads a PNG as uint8 [H, W, C] with the file's own channel count (1 to 4).
// IoError when the file cannot be read, FormatError naming the file when its bytes
// are not a complete PNG.
torch::Tensor readPng(const std::filesystem::path& path);

// Grey between and around the cells of a contact sheet.
inline constexpr uint8_t kContactSheetPadValue = 48;

// One row per clip, its frames left to right, each upscaled by `scale` (nearest),
// with `padding` pixels of kContactSheetPadValue between and around the cells.
// Clips are uint8 [F, H, W, 3] with one H and W; F may differ (short rows end early).
// Result: uint8 [n*H*scale + (n+1)*padding, maxF*W*scale + (maxF+1)*padding, 3].
torch::Tensor contactSheet(const std::vector<torch::Tensor>& clips, int scale = 1, int padding = 1);

// The inverse of contactSheet, for sheets whose scale and padding are not known: the
// cells are found as the runs of rows and columns that are not entirely
// kContactSheetPadValue. Returns one uint8 [F, cellH, cellW, 3] clip per row (at the
// sheet's scale); a row ends at its first cell that is all padding. FormatError naming
// `sourceName` when no cells are found or they differ in size (a frame with a whole
// row or column of the pad colour across the sheet can cause that).
std::vector<torch::Tensor> splitContactSheet(const torch::Tensor& sheet, const std::string& sourceName);

}  // namespace vds
