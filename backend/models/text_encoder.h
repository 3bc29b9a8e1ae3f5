// The text side of the built-in world (its "CLIP text encoder"): a word tokenizer over a
// closed vocabulary and a small pre-norm transformer. It is trained with the image UNet
// and frozen afterwards. The unconditional (CFG) context is the encoding of "".
#pragma once
#include <torch/torch.h>
#include <yaml-cpp/yaml.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "models/blocks.h"

namespace vds {

struct TokenizedText {
  torch::Tensor ids;          // int64 [B, L]: [BOS] words... [EOS] [PAD]...
  torch::Tensor paddingMask;  // bool [B, L], true at [PAD]
};

// Lower-cases, splits on anything that is not a letter or a digit (so punctuation is
// dropped), and maps words to ids; unknown words become [UNK]. Sequences longer than
// maxLength keep their first words and always end in [EOS].
class WordTokenizer {
 public:
  static constexpr int64_t kPad = 0, kBos = 1, kEos = 2, kUnk = 3;
  static constexpr int64_t kSpecialCount = 4;

  // Word i of `words` gets id kSpecialCount + i. Duplicates and special names are ConfigErrors.
  explicit WordTokenizer(const std::vector<std::string>& words, int64_t maxLength = 24);

  static std::vector<std::string> splitWords(const std::string& text);
  std::vector<int64_t> encodeOne(const std::string& text) const;  // unpadded, with BOS/EOS
  TokenizedText encode(const std::vector<std::string>& texts) const;
  std::string decode(const std::vector<int64_t>& ids) const;  // words joined by spaces, specials dropped

  int64_t idOf(const std::string& word) const;  // kUnk when unknown
  const std::string& tokenOf(int64_t id) const;
  int64_t vocabSize() const { return static_cast<int64_t>(tokens_.size()); }
  int64_t maxLength() const { return maxLength_; }
  // The words without the special tokens, in id order.
  std::vector<std::string> words() const { return {tokens_.begin() + kSpecialCount, tokens_.end()}; }

  // {max_length: N, words: [...]}; the special tokens are implicit.
  YAML::Node toYaml() const;
  static WordTokenizer fromYaml(const YAML::Node& node);

 private:
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, int64_t> ids_;
  int64_t maxLength_;
};

struct TextEncoderOptions {
  int64_t vocabSize = 64;   // special tokens included; must cover the tokenizer's vocabulary
  int64_t maxLength = 24;   // learned positions
  int64_t dModel = 64;
  int64_t layers = 2;
  int64_t heads = 4;
  int64_t ffMult = 4;

  static TextEncoderOptions fromYaml(const YAML::Node& node);
  YAML::Node toYaml() const;
};

struct TextEncoding {
  torch::Tensor context;      // [B, L, dModel], the cross-attention context
  torch::Tensor pooled;       // [B, dModel] at the [EOS] position ([BOS] if none)
  torch::Tensor paddingMask;  // bool [B, L]
};

class TextEncoderImpl : public torch::nn::Module {
 public:
  explicit TextEncoderImpl(const TextEncoderOptions& options = {});
  // ids [B, L] with L <= maxLength; padding is where ids == kPad.
  TextEncoding forward(const torch::Tensor& ids);
  // Tokenizes and encodes on this module's device.
  TextEncoding encode(const WordTokenizer& tokenizer, const std::vector<std::string>& prompts);
  // The unconditional context [batch, L, D]: the encoding of the empty prompt.
  torch::Tensor unconditionalContext(const WordTokenizer& tokenizer, int64_t batch);
  const TextEncoderOptions& options() const { return options_; }

  torch::nn::Embedding token_embedding{nullptr};
  torch::Tensor position_embedding;  // [maxLength, dModel]
  torch::nn::ModuleList layers{nullptr};
  torch::nn::LayerNorm final_norm{nullptr};

 private:
  TextEncoderOptions options_;
};
TORCH_MODULE(TextEncoder);

}  // namespace vds
