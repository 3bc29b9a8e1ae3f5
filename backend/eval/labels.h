// What the eval net is taught and how its outputs are read (ARCHITECTURE §5, §6).
// Targets and decoding use one convention, so that a prediction decodes back to the
// caption it was trained on:
//   - slot s holds the s-th object of the caption (caption order == draw order);
//   - a slot head's class k < count is the k-th vocabulary entry (ShapeKind, Colour,
//     Direction), and class == count means "no object in this slot";
//   - the style head's class is the Style enum value.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "data/shape_styles.h"
#include "data/shapes_world.h"
#include "models/eval_net.h"

namespace vds {

// Vocabulary sizes, i.e. the "none" class index of each slot head.
inline constexpr int64_t kShapeClasses = static_cast<int64_t>(kShapeNames.size());
inline constexpr int64_t kColourClasses = static_cast<int64_t>(kColours.size());
inline constexpr int64_t kDirectionClasses = static_cast<int64_t>(kDirectionNames.size());
inline constexpr int64_t kStyleClasses = static_cast<int64_t>(kAllStyles.size());

// Training targets for a batch: clip b is drawn in styles[b]. Shape/colour/direction are
// int64 [B, slots] with "none" (the count) in slots past the clip's last object; style is
// int64 [B]. DataError when the sizes differ or a clip has more objects than slots.
EvalNetTargets targetsFor(const std::vector<ClipSpec>& specs, const std::vector<Style>& styles,
                          int64_t slots = EvalNetOptions{}.slots);

// The objects the eval net sees in clip `row`, in slot order. A slot holds an object when
// at least two of its three heads (shape, colour, direction) rank a real class above
// "none" (a majority vote, so no single head decides presence); its attributes are then
// the argmax of each head over the real classes only. Slots without an object are
// dropped. DataError when a head's class count does not match the vocabulary.
std::vector<ObjectAttributes> decodePrediction(const EvalNetOutput& output, int64_t row);
// The argmax of the style head for clip `row`.
Style decodeStyle(const EvalNetOutput& output, int64_t row);

// decodePrediction / decodeStyle for every row of the batch.
std::vector<std::vector<ObjectAttributes>> decodePredictions(const EvalNetOutput& output);
std::vector<Style> decodeStyles(const EvalNetOutput& output);

// Runs the frozen eval net over videos [N, F, 3, H, W] in [-1, 1] in chunks of
// `batchSize`, without gradients and in eval mode (restoring the previous mode), and
// concatenates the outputs along the batch.
EvalNetOutput runEvalNet(EvalNet& net, const torch::Tensor& videos, int64_t batchSize = 32);

}  // namespace vds
