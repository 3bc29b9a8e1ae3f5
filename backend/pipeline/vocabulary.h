// The closed vocabulary of the Shapes world's captions, so that the text encoder's
// tokenizer covers every caption the world can produce (ARCHITECTURE.md §5).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "models/text_encoder.h"

namespace vds {

// Every word a Shapes caption can contain, in a fixed order (shipped tokenizers depend on
// it): the caption's glue words ("a", "and", "moving"), then the shape, colour and
// direction names in the order of the world's tables.
std::vector<std::string> shapesVocabulary();

// Tokens of the longest caption with `objects` objects: 5 words per object, "and" between
// objects, plus [BOS] and [EOS].
int64_t shapesCaptionTokens(int objects);

// A tokenizer over shapesVocabulary(); maxLength counts [BOS] and [EOS].
WordTokenizer shapesTokenizer(int maxLength);

}  // namespace vds
