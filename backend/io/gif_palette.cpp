#include "io/gif_palette.h"

#include <algorithm>
#include <unordered_map>

#include "core/errors.h"

namespace vds {
namespace {

using Colour = std::array<uint8_t, 3>;

uint32_t packColour(const uint8_t* p) { return (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | uint32_t{p[2]}; }

// Median cut runs on a 5-bit-per-channel histogram: 32768 bins bound the work
// whatever the clip's size, and 5 bits are finer than 256 entries can resolve anyway.
constexpr int kBinBits = 5;
constexpr int kBinShift = 8 - kBinBits;
constexpr int kBins = 1 << (3 * kBinBits);

struct Bin {
  int64_t count = 0;
  int64_t sum[3] = {0, 0, 0};
  double mean(int c) const { return static_cast<double>(sum[c]) / static_cast<double>(count); }
};

int binOf(const uint8_t* p) {
  return ((p[0] >> kBinShift) << (2 * kBinBits)) | ((p[1] >> kBinShift) << kBinBits) | (p[2] >> kBinShift);
}

struct Box {
  std::vector<int> bins;
  int axis = 0;        // the channel with the widest spread of bin means
  double range = 0;    // that spread; boxes with one bin cannot split (range 0)
};

void measure(Box& box, const std::vector<Bin>& hist) {
  double lo[3] = {255, 255, 255}, hi[3] = {0, 0, 0};
  for (int b : box.bins)
    for (int c = 0; c < 3; ++c) {
      lo[c] = std::min(lo[c], hist[static_cast<size_t>(b)].mean(c));
      hi[c] = std::max(hi[c], hist[static_cast<size_t>(b)].mean(c));
    }
  box.axis = 0;
  for (int c = 1; c < 3; ++c)
    if (hi[c] - lo[c] > hi[box.axis] - lo[box.axis]) box.axis = c;
  box.range = box.bins.size() > 1 ? hi[box.axis] - lo[box.axis] : 0.0;
}

// Splits the box with the widest spread at the population median of its widest axis.
// Widest spread first, not most populous first: a small object in a distinct colour
// (a shape on a plain background) keeps its own entry.
std::vector<Colour> medianCut(const std::vector<Bin>& hist, int maxColours) {
  Box all;
  for (int b = 0; b < kBins; ++b)
    if (hist[static_cast<size_t>(b)].count > 0) all.bins.push_back(b);
  measure(all, hist);
  std::vector<Box> boxes{all};
  while (static_cast<int>(boxes.size()) < maxColours) {
    auto widest = std::max_element(boxes.begin(), boxes.end(),
                                   [](const Box& a, const Box& b) { return a.range < b.range; });
    if (widest->range <= 0) break;
    Box box = std::move(*widest);
    boxes.erase(widest);
    const int axis = box.axis;
    std::sort(box.bins.begin(), box.bins.end(), [&](int a, int b) {
      return hist[static_cast<size_t>(a)].mean(axis) < hist[static_cast<size_t>(b)].mean(axis);
    });
    int64_t total = 0;
    for (int b : box.bins) total += hist[static_cast<size_t>(b)].count;
    size_t cut = 1;  // both halves keep at least one bin
    int64_t running = hist[static_cast<size_t>(box.bins[0])].count;
    while (cut < box.bins.size() - 1 && running * 2 < total) running += hist[static_cast<size_t>(box.bins[cut++])].count;
    Box left, right;
    left.bins.assign(box.bins.begin(), box.bins.begin() + static_cast<std::ptrdiff_t>(cut));
    right.bins.assign(box.bins.begin() + static_cast<std::ptrdiff_t>(cut), box.bins.end());
    measure(left, hist);
    measure(right, hist);
    boxes.push_back(std::move(left));
    boxes.push_back(std::move(right));
  }
  std::vector<Colour> palette;
  for (const Box& box : boxes) {
    double sum[3] = {0, 0, 0};
    int64_t count = 0;
    for (int b : box.bins) {
      const Bin& bin = hist[static_cast<size_t>(b)];
      for (int c = 0; c < 3; ++c) sum[c] += static_cast<double>(bin.sum[c]);
      count += bin.count;
    }
    Colour colour{};
    for (int c = 0; c < 3; ++c)
      colour[static_cast<size_t>(c)] = static_cast<uint8_t>(std::clamp(sum[c] / static_cast<double>(count) + 0.5, 0.0, 255.0));
    palette.push_back(colour);
  }
  return palette;
}

uint8_t nearest(const std::vector<Colour>& palette, const uint8_t* p) {
  int best = 0;
  int bestDistance = 1 << 30;
  for (size_t i = 0; i < palette.size(); ++i) {
    int d = 0;
    for (size_t c = 0; c < 3; ++c) {
      const int diff = static_cast<int>(p[c]) - static_cast<int>(palette[i][c]);
      d += diff * diff;
    }
    if (d < bestDistance) {
      bestDistance = d;
      best = static_cast<int>(i);
    }
  }
  return static_cast<uint8_t>(best);
}

}  // namespace

PalettedClip paletteQuantise(const torch::Tensor& frames, int maxColours) {
  if (!frames.defined() || frames.scalar_type() != torch::kUInt8 || frames.dim() != 4 || frames.size(3) != 3 ||
      frames.numel() == 0)
    throw DataError("paletteQuantise: expected non-empty uint8 [F, H, W, 3] frames");
  if (maxColours < 2 || maxColours > kGifMaxColours)
    throw DataError("paletteQuantise: maxColours " + std::to_string(maxColours) + " is outside [2, 256]");
  const torch::Tensor pixels = frames.to(torch::kCPU).contiguous();
  const uint8_t* data = pixels.data_ptr<uint8_t>();
  const int64_t count = pixels.numel() / 3;

  PalettedClip out;
  out.indices = torch::empty({frames.size(0), frames.size(1), frames.size(2)}, torch::kUInt8);
  uint8_t* index = out.indices.data_ptr<uint8_t>();

  // Exact palette when the clip has few enough colours, in order of first appearance.
  std::unordered_map<uint32_t, uint8_t> exact;
  bool fits = true;
  for (int64_t i = 0; i < count && fits; ++i) {
    const uint32_t key = packColour(data + 3 * i);
    if (exact.count(key) != 0) continue;
    if (static_cast<int>(exact.size()) == maxColours) {
      fits = false;
      break;
    }
    exact.emplace(key, static_cast<uint8_t>(out.palette.size()));
    out.palette.push_back({data[3 * i], data[3 * i + 1], data[3 * i + 2]});
  }
  if (fits) {
    for (int64_t i = 0; i < count; ++i) index[i] = exact.at(packColour(data + 3 * i));
    out.exact = true;
    return out;
  }

  std::vector<Bin> hist(kBins);
  for (int64_t i = 0; i < count; ++i) {
    Bin& bin = hist[static_cast<size_t>(binOf(data + 3 * i))];
    ++bin.count;
    for (int c = 0; c < 3; ++c) bin.sum[c] += data[3 * i + c];
  }
  out.palette = medianCut(hist, maxColours);
  // Nearest entry per distinct colour, computed once per colour.
  std::unordered_map<uint32_t, uint8_t> mapped;
  for (int64_t i = 0; i < count; ++i) {
    const uint32_t key = packColour(data + 3 * i);
    auto it = mapped.find(key);
    if (it == mapped.end()) it = mapped.emplace(key, nearest(out.palette, data + 3 * i)).first;
    index[i] = it->second;
  }
  out.exact = false;
  return out;
}

}  // namespace vds
