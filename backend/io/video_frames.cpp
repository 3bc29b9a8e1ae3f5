#include "io/video_frames.h"

#include <cmath>
#include <limits>

#include "core/errors.h"

namespace vds {
namespace {

std::string shapeText(const torch::Tensor& t) {
  return std::string(c10::toString(t.scalar_type())) + " " + c10::str(t.sizes());
}

void requireFrames(const torch::Tensor& frames, const char* function) {
  if (!frames.defined() || frames.scalar_type() != torch::kUInt8 || frames.dim() != 4 || frames.size(3) != 3 ||
      frames.size(0) < 1 || frames.size(1) < 1 || frames.size(2) < 1)
    throw DataError(std::string(function) + ": expected uint8 [F, H, W, 3] frames, got " +
                    (frames.defined() ? shapeText(frames) : std::string("an undefined tensor")));
}

}  // namespace

torch::Tensor clipToFrames(const torch::Tensor& clip, const std::string& context) {
  if (!clip.defined()) throw DataError(context + ": the clip is an undefined tensor");
  if (clip.dim() != 4 || clip.size(0) < 1 || clip.size(1) < 1 || clip.size(2) < 1 || clip.size(3) < 1)
    throw DataError(context + ": expected a clip [F, 3, H, W] or uint8 [F, H, W, 3] with F, H, W >= 1, got " +
                    shapeText(clip));
  const torch::Tensor cpu = clip.to(torch::kCPU);
  if (cpu.is_floating_point()) {
    if (cpu.size(1) != 3)
      throw DataError(context + ": a float clip must be [F, 3, H, W] in [-1, 1], got " + shapeText(clip));
    // The model range's mapping, as data/shapes_world.h's modelRangeToFrames (io/ sits below data/).
    return cpu.to(torch::kFloat).add(1.0).mul(127.5).round().clamp(0, 255).to(torch::kUInt8).permute({0, 2, 3, 1})
        .contiguous();
  }
  if (cpu.scalar_type() != torch::kUInt8)
    throw DataError(context + ": a clip must be uint8 or floating point, got " + shapeText(clip));
  if (cpu.size(1) == 3) return cpu.permute({0, 2, 3, 1}).contiguous();
  if (cpu.size(3) == 3) return cpu.contiguous();
  throw DataError(context + ": expected uint8 [F, 3, H, W] or [F, H, W, 3], got " + shapeText(clip));
}

torch::Tensor framesFromList(const std::vector<torch::Tensor>& frames, const std::string& context) {
  if (frames.empty()) throw DataError(context + ": no frames");
  for (size_t i = 0; i < frames.size(); ++i) {
    const auto& f = frames[i];
    const auto& first = frames.front();
    if (!f.defined() || f.scalar_type() != torch::kUInt8 || f.dim() != 3 || f.size(2) != 3 || f.size(0) < 1 ||
        f.size(1) < 1)
      throw DataError(context + ": frame " + std::to_string(i) + " is " +
                      (f.defined() ? shapeText(f) : std::string("undefined")) + "; expected uint8 [H, W, 3]");
    if (f.sizes() != first.sizes())
      throw DataError(context + ": frame " + std::to_string(i) + " is " + c10::str(f.sizes()) + " but frame 0 is " +
                      c10::str(first.sizes()));
  }
  return torch::stack(frames).to(torch::kCPU).contiguous();
}

torch::Tensor upscaleNearest(const torch::Tensor& frames, int factor) {
  requireFrames(frames, "upscaleNearest");
  if (factor < 1) throw DataError("upscaleNearest: factor " + std::to_string(factor) + " is below 1");
  if (factor == 1) return frames;
  return frames.repeat_interleave(factor, 1).repeat_interleave(factor, 2).contiguous();
}

torch::Tensor resizeFrames(const torch::Tensor& frames, int64_t height, int64_t width) {
  requireFrames(frames, "resizeFrames");
  if (height < 1 || width < 1)
    throw DataError("resizeFrames: target " + std::to_string(width) + "x" + std::to_string(height) + " is empty");
  if (frames.size(1) == height && frames.size(2) == width) return frames;
  torch::Tensor x = frames.permute({0, 3, 1, 2}).to(torch::kFloat);
  namespace F = torch::nn::functional;
  // One axis at a time, so each gets the right filter: area when it shrinks, bilinear when it grows.
  auto resizeAxis = [](torch::Tensor t, int64_t h, int64_t w) {
    const bool shrink = h <= t.size(2) && w <= t.size(3);
    if (shrink) return F::adaptive_avg_pool2d(t, F::AdaptiveAvgPool2dFuncOptions({h, w}));
    return F::interpolate(t, F::InterpolateFuncOptions()
                                 .size(std::vector<int64_t>{h, w})
                                 .mode(torch::kBilinear)
                                 .align_corners(false));
  };
  x = resizeAxis(x, height, x.size(3));
  x = resizeAxis(x, height, width);
  return x.round().clamp(0, 255).to(torch::kUInt8).permute({0, 2, 3, 1}).contiguous();
}

torch::Tensor centreCropSquare(const torch::Tensor& frames) {
  requireFrames(frames, "centreCropSquare");
  const int64_t h = frames.size(1), w = frames.size(2), side = std::min(h, w);
  return frames.narrow(1, (h - side) / 2, side).narrow(2, (w - side) / 2, side).contiguous();
}

torch::Tensor padToEven(const torch::Tensor& frames) {
  requireFrames(frames, "padToEven");
  torch::Tensor out = frames;
  if (out.size(1) % 2 != 0) out = torch::cat({out, out.narrow(1, out.size(1) - 1, 1)}, 1);
  if (out.size(2) % 2 != 0) out = torch::cat({out, out.narrow(2, out.size(2) - 1, 1)}, 2);
  return out.contiguous();
}

torch::Tensor holdLastFrame(const torch::Tensor& frames, int64_t count) {
  requireFrames(frames, "holdLastFrame");
  if (count < 1) throw DataError("holdLastFrame: count " + std::to_string(count) + " is below 1");
  const int64_t have = frames.size(0);
  if (have >= count) return frames.narrow(0, 0, count);
  const torch::Tensor last = frames.narrow(0, have - 1, 1).expand({count - have, -1, -1, -1});
  return torch::cat({frames, last}, 0).contiguous();
}

double psnrUint8(const torch::Tensor& a, const torch::Tensor& b) {
  if (!a.defined() || !b.defined() || a.sizes() != b.sizes())
    throw DataError("psnrUint8: shapes differ: " + (a.defined() ? c10::str(a.sizes()) : std::string("undefined")) +
                    " vs " + (b.defined() ? c10::str(b.sizes()) : std::string("undefined")));
  const double mse = (a.to(torch::kDouble) - b.to(torch::kDouble)).pow(2).mean().item<double>();
  if (mse == 0) return std::numeric_limits<double>::infinity();
  constexpr double kPeak = 255.0;
  return 10.0 * std::log10(kPeak * kPeak / mse);
}

}  // namespace vds
