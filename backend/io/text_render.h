// Anti-aliased text on uint8 RGB images with stb_truetype, for captions and labels
// drawn in the backend (no Qt: the backend also runs on machines without it).
#pragma once
#include <torch/torch.h>

#include <array>
#include <filesystem>
#include <memory>
#include <string>

namespace vds {

// DejaVu Sans from Debian's fonts-dejavu-core.
inline constexpr const char* kDefaultFontFile = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

// $VDS_FONT when set and not empty, else kDefaultFontFile.
std::filesystem::path defaultFontPath();

class TextRenderer {
 public:
  // IoError naming the file (and fonts-dejavu-core) when the font cannot be read;
  // FormatError when it is not a TrueType font. pixelHeight: ascent to descent, >= 4.
  explicit TextRenderer(float pixelHeight, const std::filesystem::path& font = defaultFontPath());

  // Pixels from the top of a line to its baseline, and from top to bottom.
  int ascent() const { return ascent_; }
  int lineHeight() const { return lineHeight_; }
  // Advance width of UTF-8 text in pixels (rounded up).
  int width(const std::string& utf8) const;
  // The text itself when it fits in maxWidth pixels, else its longest prefix that
  // fits followed by "..." (or "" when not even that fits).
  std::string fit(const std::string& utf8, int maxWidth) const;
  // Draws text with its top-left corner at (left, top) into uint8 [H, W, 3], blending
  // by glyph coverage; what falls outside the image is clipped.
  void draw(torch::Tensor& image, int left, int top, const std::string& utf8, std::array<uint8_t, 3> colour) const;

 private:
  struct Font;
  std::shared_ptr<const Font> font_;
  float scale_ = 0;
  int ascent_ = 0, lineHeight_ = 0;
};

}  // namespace vds
