#include "eval/labels.h"

#include <algorithm>
#include <string>

#include "core/errors.h"

namespace vds {
namespace {

// Checks that `logits` [B, slots, count + 1] matches the vocabulary; `head` names it.
void checkSlotHead(const torch::Tensor& logits, int64_t count, const char* head) {
  if (!logits.defined() || logits.dim() != 3 || logits.size(2) != count + 1)
    throw DataError(std::string("eval net output '") + head + "': expected [B, slots, " +
                    std::to_string(count + 1) + "] logits (" + std::to_string(count) + " classes + none)");
}

void checkRow(const EvalNetOutput& output, int64_t row) {
  if (!output.style.defined() || output.style.dim() != 2 || output.style.size(1) != kStyleClasses)
    throw DataError("eval net output 'style': expected [B, " + std::to_string(kStyleClasses) + "] logits");
  if (row < 0 || row >= output.style.size(0))
    throw DataError("eval net output: row " + std::to_string(row) + " out of range [0, " +
                    std::to_string(output.style.size(0)) + ")");
}

// Argmax over the real classes [0, count) of logits [count + 1].
int64_t argmaxReal(const torch::Tensor& logits) {
  return logits.narrow(0, 0, logits.size(0) - 1).argmax().item<int64_t>();
}

// True when some real class outscores "none" (the last class).
bool votesPresent(const torch::Tensor& logits) {
  const int64_t none = logits.size(0) - 1;
  return logits.narrow(0, 0, none).max().item<double>() > logits[none].item<double>();
}

}  // namespace

EvalNetTargets targetsFor(const std::vector<ClipSpec>& specs, const std::vector<Style>& styles,
                          int64_t slots) {
  if (specs.size() != styles.size())
    throw DataError("targetsFor: " + std::to_string(specs.size()) + " clips but " + std::to_string(styles.size()) +
                    " styles");
  const auto b = static_cast<int64_t>(specs.size());
  auto shape = torch::full({b, slots}, kShapeClasses, torch::kInt64);
  auto colour = torch::full({b, slots}, kColourClasses, torch::kInt64);
  auto direction = torch::full({b, slots}, kDirectionClasses, torch::kInt64);
  auto style = torch::empty({b}, torch::kInt64);
  auto s = shape.accessor<int64_t, 2>();
  auto c = colour.accessor<int64_t, 2>();
  auto d = direction.accessor<int64_t, 2>();
  auto st = style.accessor<int64_t, 1>();
  for (int64_t i = 0; i < b; ++i) {
    const ClipSpec& spec = specs[static_cast<size_t>(i)];
    if (static_cast<int64_t>(spec.objects.size()) > slots)
      throw DataError("targetsFor: clip " + std::to_string(spec.index) + " ('" + spec.caption + "') has " +
                      std::to_string(spec.objects.size()) + " objects but the eval net has " +
                      std::to_string(slots) + " slots");
    for (size_t k = 0; k < spec.objects.size(); ++k) {
      const ObjectAttributes& a = spec.objects[k].attributes;
      const auto slot = static_cast<int64_t>(k);
      s[i][slot] = static_cast<int64_t>(a.shape);
      c[i][slot] = static_cast<int64_t>(a.colour);
      d[i][slot] = static_cast<int64_t>(a.direction);
    }
    st[i] = static_cast<int64_t>(styles[static_cast<size_t>(i)]);
  }
  return {shape, colour, direction, style};
}

std::vector<ObjectAttributes> decodePrediction(const EvalNetOutput& output, int64_t row) {
  checkSlotHead(output.shape, kShapeClasses, "shape");
  checkSlotHead(output.colour, kColourClasses, "colour");
  checkSlotHead(output.direction, kDirectionClasses, "direction");
  checkRow(output, row);
  const torch::Tensor shape = output.shape[row].detach().to(torch::kCPU, torch::kFloat64);
  const torch::Tensor colour = output.colour[row].detach().to(torch::kCPU, torch::kFloat64);
  const torch::Tensor direction = output.direction[row].detach().to(torch::kCPU, torch::kFloat64);
  std::vector<ObjectAttributes> objects;
  for (int64_t slot = 0; slot < shape.size(0); ++slot) {
    const int votes = int(votesPresent(shape[slot])) + int(votesPresent(colour[slot])) +
                      int(votesPresent(direction[slot]));
    if (votes < 2) continue;
    ObjectAttributes a;
    a.shape = static_cast<ShapeKind>(argmaxReal(shape[slot]));
    a.colour = static_cast<Colour>(argmaxReal(colour[slot]));
    a.direction = static_cast<Direction>(argmaxReal(direction[slot]));
    objects.push_back(a);
  }
  return objects;
}

Style decodeStyle(const EvalNetOutput& output, int64_t row) {
  checkRow(output, row);
  return static_cast<Style>(output.style[row].argmax().item<int64_t>());
}

std::vector<std::vector<ObjectAttributes>> decodePredictions(const EvalNetOutput& output) {
  std::vector<std::vector<ObjectAttributes>> all;
  for (int64_t row = 0; row < output.shape.size(0); ++row) all.push_back(decodePrediction(output, row));
  return all;
}

std::vector<Style> decodeStyles(const EvalNetOutput& output) {
  std::vector<Style> all;
  for (int64_t row = 0; row < output.style.size(0); ++row) all.push_back(decodeStyle(output, row));
  return all;
}

EvalNetOutput runEvalNet(EvalNet& net, const torch::Tensor& videos, int64_t batchSize) {
  if (videos.dim() != 5 || videos.size(0) < 1 || batchSize < 1)
    throw DataError("runEvalNet: expected videos [N >= 1, F, 3, H, W] and batchSize >= 1");
  torch::NoGradGuard noGrad;
  const bool wasTraining = net->is_training();
  net->eval();
  std::vector<torch::Tensor> features, shape, colour, direction, style;
  for (int64_t start = 0; start < videos.size(0); start += batchSize) {
    const EvalNetOutput out = net(videos.narrow(0, start, std::min(batchSize, videos.size(0) - start)));
    features.push_back(out.features);
    shape.push_back(out.shape);
    colour.push_back(out.colour);
    direction.push_back(out.direction);
    style.push_back(out.style);
  }
  net->train(wasTraining);
  return {torch::cat(features), torch::cat(shape), torch::cat(colour), torch::cat(direction), torch::cat(style)};
}

}  // namespace vds
