#include "pipeline/vocabulary.h"

#include "data/shapes_world.h"

namespace vds {
namespace {

// The words captionOf() puts around the attribute names.
const char* const kCaptionGlue[] = {"a", "and", "moving"};
// Words of one object's phrase: "a <colour> <shape> moving <direction>".
constexpr int64_t kWordsPerObject = 5;
// [BOS] and [EOS].
constexpr int64_t kBoundaryTokens = 2;

}  // namespace

std::vector<std::string> shapesVocabulary() {
  std::vector<std::string> words(std::begin(kCaptionGlue), std::end(kCaptionGlue));
  for (const char* shape : kShapeNames) words.emplace_back(shape);
  for (const ColourEntry& colour : kColours) words.emplace_back(colour.name);
  for (const char* direction : kDirectionNames) words.emplace_back(direction);
  return words;
}

int64_t shapesCaptionTokens(int objects) {
  const int64_t n = objects < 1 ? 1 : objects;
  return n * kWordsPerObject + (n - 1) + kBoundaryTokens;
}

WordTokenizer shapesTokenizer(int maxLength) { return WordTokenizer(shapesVocabulary(), maxLength); }

}  // namespace vds
