#include "io/composite.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/errors.h"
#include "io/text_render.h"
#include "io/video_frames.h"

namespace vds {
namespace {

constexpr int kMaxScale = 64;
constexpr float kTitleTextScale = 1.25f;
// Space above and below a line of text, and left and right of a row label, in line heights.
constexpr double kTextMarginLines = 0.3;

struct Fonts {
  std::optional<TextRenderer> label, title;
};

void checkInputs(const std::vector<torch::Tensor>& clips, const GridOptions& o) {
  if (clips.empty()) throw DataError("compositeGrid: no clips");
  for (size_t i = 0; i < clips.size(); ++i) {
    const auto& c = clips[i];
    if (!c.defined() || c.scalar_type() != torch::kUInt8 || c.dim() != 4 || c.size(3) != 3 || c.size(0) < 1 ||
        c.size(1) < 1 || c.size(2) < 1)
      throw DataError("compositeGrid: clip " + std::to_string(i) + " is " +
                      (c.defined() ? std::string(c10::toString(c.scalar_type())) + " " + c10::str(c.sizes())
                                   : std::string("undefined")) +
                      "; expected uint8 [F, H, W, 3]");
  }
  if (o.columns < 0) throw ConfigError("compositeGrid: columns " + std::to_string(o.columns) + " is negative");
  if (o.scale < 1 || o.scale > kMaxScale)
    throw ConfigError("compositeGrid: scale " + std::to_string(o.scale) + " is outside [1, 64]");
  if (o.padding < 0) throw ConfigError("compositeGrid: padding " + std::to_string(o.padding) + " is negative");
  if (o.maxRowLabelWidth < 1) throw ConfigError("compositeGrid: maxRowLabelWidth must be at least 1");
}

Fonts loadFonts(const GridOptions& o) {
  Fonts fonts;
  const bool anyLabels = !o.columnLabels.empty() || !o.rowLabels.empty();
  const std::filesystem::path file = o.font.empty() ? defaultFontPath() : o.font;
  if (anyLabels) fonts.label.emplace(o.textHeight, file);
  if (!o.title.empty()) fonts.title.emplace(o.textHeight * kTitleTextScale, file);
  return fonts;
}

int64_t margin(const TextRenderer& font) {
  return static_cast<int64_t>(std::ceil(kTextMarginLines * font.lineHeight()));
}

GridLayout layoutWith(const std::vector<torch::Tensor>& clips, const GridOptions& o, const Fonts& fonts) {
  GridLayout g;
  const auto n = static_cast<int64_t>(clips.size());
  g.columns = o.columns;
  if (g.columns == 0 && !o.columnLabels.empty()) g.columns = static_cast<int64_t>(o.columnLabels.size());
  if (g.columns == 0 && !o.rowLabels.empty())
    g.columns = (n + static_cast<int64_t>(o.rowLabels.size()) - 1) / static_cast<int64_t>(o.rowLabels.size());
  if (g.columns == 0) g.columns = static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(n))));
  g.columns = std::max<int64_t>(1, std::min(g.columns, n));
  g.rows = (n + g.columns - 1) / g.columns;
  if (!o.columnLabels.empty() && static_cast<int64_t>(o.columnLabels.size()) != g.columns)
    throw DataError("compositeGrid: " + std::to_string(o.columnLabels.size()) + " column label(s) for " +
                    std::to_string(g.columns) + " column(s)");
  if (!o.rowLabels.empty() && static_cast<int64_t>(o.rowLabels.size()) != g.rows)
    throw DataError("compositeGrid: " + std::to_string(o.rowLabels.size()) + " row label(s) for " +
                    std::to_string(g.rows) + " row(s) (" + std::to_string(n) + " clips in " +
                    std::to_string(g.columns) + " column(s))");
  for (const auto& c : clips) {
    g.frames = std::max(g.frames, c.size(0));
    g.cellHeight = std::max(g.cellHeight, c.size(1) * o.scale);
    g.cellWidth = std::max(g.cellWidth, c.size(2) * o.scale);
  }
  g.padding = o.padding;
  if (fonts.title) g.titleHeight = fonts.title->lineHeight() + 2 * margin(*fonts.title);
  if (!o.columnLabels.empty()) g.labelHeight = fonts.label->lineHeight() + 2 * margin(*fonts.label);
  if (!o.rowLabels.empty()) {
    int widest = 0;
    for (const auto& label : o.rowLabels) widest = std::max(widest, fonts.label->width(label));
    g.rowLabelWidth = std::min(widest, o.maxRowLabelWidth) + 2 * margin(*fonts.label);
  }
  g.height = g.titleHeight + g.labelHeight + g.rows * g.cellHeight + (g.rows + 1) * g.padding;
  g.width = g.rowLabelWidth + g.columns * g.cellWidth + (g.columns + 1) * g.padding;
  return g;
}

}  // namespace

GridLayout gridLayout(const std::vector<torch::Tensor>& clips, const GridOptions& options) {
  checkInputs(clips, options);
  return layoutWith(clips, options, loadFonts(options));
}

torch::Tensor compositeGrid(const std::vector<torch::Tensor>& clips, const GridOptions& o) {
  checkInputs(clips, o);
  const Fonts fonts = loadFonts(o);
  const GridLayout g = layoutWith(clips, o, fonts);

  // The still parts (background, title, labels) are drawn once.
  torch::Tensor canvas = torch::empty({g.height, g.width, 3}, torch::kUInt8);
  for (int64_t c = 0; c < 3; ++c) canvas.select(2, c).fill_(static_cast<int64_t>(o.background[static_cast<size_t>(c)]));
  if (fonts.title) {
    const TextRenderer& font = *fonts.title;
    const int64_t m = margin(font);
    const std::string text = font.fit(o.title, static_cast<int>(std::max<int64_t>(1, g.width - 2 * m)));
    const int64_t left = std::max<int64_t>(m, (g.width - font.width(text)) / 2);
    font.draw(canvas, static_cast<int>(left), static_cast<int>(m), text, o.textColour);
  }
  if (!o.columnLabels.empty()) {
    const TextRenderer& font = *fonts.label;
    for (int64_t c = 0; c < g.columns; ++c) {
      const std::string text = font.fit(o.columnLabels[static_cast<size_t>(c)], static_cast<int>(g.cellWidth));
      const int64_t left = g.cellLeft(c) + (g.cellWidth - font.width(text)) / 2;
      font.draw(canvas, static_cast<int>(left), static_cast<int>(g.titleHeight + margin(font)), text, o.textColour);
    }
  }
  if (!o.rowLabels.empty()) {
    const TextRenderer& font = *fonts.label;
    const int64_t m = margin(font);
    for (int64_t r = 0; r < g.rows; ++r) {
      const std::string text = font.fit(o.rowLabels[static_cast<size_t>(r)], static_cast<int>(g.rowLabelWidth - 2 * m));
      const int64_t top = g.cellTop(r) + (g.cellHeight - font.lineHeight()) / 2;
      font.draw(canvas, static_cast<int>(m), static_cast<int>(top), text, o.textColour);
    }
  }

  torch::Tensor out = canvas.unsqueeze(0).expand({g.frames, -1, -1, -1}).contiguous();
  for (size_t i = 0; i < clips.size(); ++i) {
    const int64_t row = static_cast<int64_t>(i) / g.columns, column = static_cast<int64_t>(i) % g.columns;
    const torch::Tensor clip = holdLastFrame(upscaleNearest(clips[i].to(torch::kCPU).contiguous(), o.scale), g.frames);
    const int64_t top = g.cellTop(row) + (g.cellHeight - clip.size(1)) / 2;
    const int64_t left = g.cellLeft(column) + (g.cellWidth - clip.size(2)) / 2;
    out.narrow(1, top, clip.size(1)).narrow(2, left, clip.size(2)).copy_(clip);
  }
  return out;
}

}  // namespace vds
