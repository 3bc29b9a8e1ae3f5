// The one translation unit that compiles stb_truetype (static, so its symbols stay here).
#define STB_TRUETYPE_IMPLEMENTATION
#define STBTT_STATIC
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <stb_truetype.h>
#pragma GCC diagnostic pop

#include "io/text_render.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include "core/errors.h"

namespace vds {

struct TextRenderer::Font {
  std::string bytes;  // stbtt_fontinfo points into these
  stbtt_fontinfo info{};
};

namespace {

constexpr char32_t kReplacement = 0xFFFD;
constexpr float kMinPixelHeight = 4.0f;
constexpr const char* kEllipsis = "...";

// UTF-8 to code points; a malformed sequence becomes U+FFFD.
std::u32string decodeUtf8(const std::string& text) {
  std::u32string out;
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    int extra = 0;
    char32_t cp = 0;
    if (c < 0x80) {
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      out.push_back(kReplacement);
      ++i;
      continue;
    }
    bool ok = true;
    for (int k = 1; k <= extra && ok; ++k) {
      if (i + static_cast<size_t>(k) >= text.size()) {
        ok = false;
        break;
      }
      const auto next = static_cast<unsigned char>(text[i + static_cast<size_t>(k)]);
      if ((next & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (next & 0x3F);
    }
    if (!ok) {
      out.push_back(kReplacement);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += static_cast<size_t>(extra) + 1;
  }
  return out;
}

}  // namespace

std::filesystem::path defaultFontPath() {
  if (const char* env = std::getenv("VDS_FONT"); env != nullptr && *env != '\0') return env;
  return kDefaultFontFile;
}

TextRenderer::TextRenderer(float pixelHeight, const std::filesystem::path& fontFile) {
  if (!(pixelHeight >= kMinPixelHeight))
    throw ConfigError("text height " + std::to_string(pixelHeight) + " px is below " + std::to_string(kMinPixelHeight));
  auto font = std::make_shared<Font>();
  std::ifstream in(fontFile, std::ios::binary);
  if (!in)
    throw IoError("cannot read the font '" + fontFile.string() +
                  "': install Debian's fonts-dejavu-core, or point $VDS_FONT at a TrueType font");
  font->bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  const auto* data = reinterpret_cast<const unsigned char*>(font->bytes.data());
  const int offset = font->bytes.size() >= 4 ? stbtt_GetFontOffsetForIndex(data, 0) : -1;
  if (offset < 0 || stbtt_InitFont(&font->info, data, offset) == 0)
    throw FormatError("'" + fontFile.string() + "' is not a TrueType font");
  scale_ = stbtt_ScaleForPixelHeight(&font->info, pixelHeight);
  int ascent = 0, descent = 0, gap = 0;
  stbtt_GetFontVMetrics(&font->info, &ascent, &descent, &gap);
  ascent_ = static_cast<int>(std::ceil(static_cast<float>(ascent) * scale_));
  lineHeight_ = ascent_ + static_cast<int>(std::ceil(static_cast<float>(-descent) * scale_));
  font_ = std::move(font);
}

int TextRenderer::width(const std::string& utf8) const {
  const std::u32string cps = decodeUtf8(utf8);
  float pen = 0;
  for (size_t i = 0; i < cps.size(); ++i) {
    int advance = 0, bearing = 0;
    stbtt_GetCodepointHMetrics(&font_->info, static_cast<int>(cps[i]), &advance, &bearing);
    pen += static_cast<float>(advance) * scale_;
    if (i + 1 < cps.size())
      pen += static_cast<float>(stbtt_GetCodepointKernAdvance(&font_->info, static_cast<int>(cps[i]),
                                                              static_cast<int>(cps[i + 1]))) *
             scale_;
  }
  return static_cast<int>(std::ceil(pen));
}

std::string TextRenderer::fit(const std::string& utf8, int maxWidth) const {
  if (width(utf8) <= maxWidth) return utf8;
  // Cut at code point boundaries, longest prefix first.
  std::vector<size_t> boundaries;
  for (size_t i = 0; i < utf8.size(); ++i)
    if ((static_cast<unsigned char>(utf8[i]) & 0xC0) != 0x80) boundaries.push_back(i);
  for (auto it = boundaries.rbegin(); it != boundaries.rend(); ++it) {
    std::string candidate = utf8.substr(0, *it);
    while (!candidate.empty() && candidate.back() == ' ') candidate.pop_back();
    candidate += kEllipsis;
    if (width(candidate) <= maxWidth) return candidate;
  }
  return "";
}

void TextRenderer::draw(torch::Tensor& image, int left, int top, const std::string& utf8,
                        std::array<uint8_t, 3> colour) const {
  if (image.scalar_type() != torch::kUInt8 || image.dim() != 3 || image.size(2) != 3 || !image.is_contiguous())
    throw DataError("TextRenderer::draw: expected a contiguous uint8 [H, W, 3] image, got " + c10::str(image.sizes()));
  const int imageH = static_cast<int>(image.size(0)), imageW = static_cast<int>(image.size(1));
  uint8_t* pixels = image.data_ptr<uint8_t>();
  const std::u32string cps = decodeUtf8(utf8);
  const int baseline = top + ascent_;
  float pen = static_cast<float>(left);
  for (size_t i = 0; i < cps.size(); ++i) {
    const int cp = static_cast<int>(cps[i]);
    const float shift = pen - std::floor(pen);
    int w = 0, h = 0, xoff = 0, yoff = 0;
    unsigned char* glyph =
        stbtt_GetCodepointBitmapSubpixel(&font_->info, scale_, scale_, shift, 0.0f, cp, &w, &h, &xoff, &yoff);
    const int x0 = static_cast<int>(std::floor(pen)) + xoff, y0 = baseline + yoff;
    for (int gy = 0; gy < h; ++gy) {
      const int y = y0 + gy;
      if (y < 0 || y >= imageH) continue;
      for (int gx = 0; gx < w; ++gx) {
        const int x = x0 + gx;
        if (x < 0 || x >= imageW) continue;
        const int coverage = glyph[gy * w + gx];
        if (coverage == 0) continue;
        uint8_t* p = pixels + (static_cast<size_t>(y) * static_cast<size_t>(imageW) + static_cast<size_t>(x)) * 3;
        for (size_t c = 0; c < 3; ++c)
          p[c] = static_cast<uint8_t>((p[c] * (255 - coverage) + colour[c] * coverage + 127) / 255);
      }
    }
    stbtt_FreeBitmap(glyph, nullptr);
    int advance = 0, bearing = 0;
    stbtt_GetCodepointHMetrics(&font_->info, cp, &advance, &bearing);
    pen += static_cast<float>(advance) * scale_;
    if (i + 1 < cps.size())
      pen += static_cast<float>(stbtt_GetCodepointKernAdvance(&font_->info, cp, static_cast<int>(cps[i + 1]))) * scale_;
  }
}

}  // namespace vds
