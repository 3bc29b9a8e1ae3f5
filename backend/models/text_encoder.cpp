#include "models/text_encoder.h"

#include <cctype>

#include "core/errors.h"
#include "models/options_yaml.h"

namespace vds {

namespace {
const std::vector<std::string> kSpecialTokens{"[PAD]", "[BOS]", "[EOS]", "[UNK]"};
}

WordTokenizer::WordTokenizer(const std::vector<std::string>& words, int64_t maxLength) : maxLength_(maxLength) {
  if (maxLength < 2) throw ConfigError("tokenizer: max_length must be at least 2 (room for [BOS] and [EOS])");
  tokens_ = kSpecialTokens;
  for (size_t i = 0; i < tokens_.size(); ++i) ids_[tokens_[i]] = static_cast<int64_t>(i);
  for (const auto& word : words) {
    const auto split = splitWords(word);
    if (split.size() != 1 || split.front() != word)
      throw ConfigError("tokenizer: vocabulary entry '" + word + "' is not a single lower-case word");
    if (ids_.count(word)) throw ConfigError("tokenizer: vocabulary word '" + word + "' appears twice");
    ids_[word] = static_cast<int64_t>(tokens_.size());
    tokens_.push_back(word);
  }
}

std::vector<std::string> WordTokenizer::splitWords(const std::string& text) {
  std::vector<std::string> words;
  std::string current;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      current.push_back(static_cast<char>(std::tolower(c)));
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

int64_t WordTokenizer::idOf(const std::string& word) const {
  const auto it = ids_.find(word);
  return it == ids_.end() ? kUnk : it->second;
}

const std::string& WordTokenizer::tokenOf(int64_t id) const {
  if (id < 0 || id >= vocabSize()) throw DataError("tokenizer: id " + std::to_string(id) + " is out of range");
  return tokens_[static_cast<size_t>(id)];
}

std::vector<int64_t> WordTokenizer::encodeOne(const std::string& text) const {
  std::vector<int64_t> ids{kBos};
  for (const auto& word : splitWords(text)) {
    if (static_cast<int64_t>(ids.size()) == maxLength_ - 1) break;  // keep room for [EOS]
    ids.push_back(idOf(word));
  }
  ids.push_back(kEos);
  return ids;
}

TokenizedText WordTokenizer::encode(const std::vector<std::string>& texts) const {
  const auto batch = static_cast<int64_t>(texts.size());
  auto ids = torch::full({batch, maxLength_}, kPad, torch::kInt64);
  auto access = ids.accessor<int64_t, 2>();
  for (int64_t b = 0; b < batch; ++b) {
    const auto row = encodeOne(texts[static_cast<size_t>(b)]);
    for (size_t i = 0; i < row.size(); ++i) access[b][static_cast<int64_t>(i)] = row[i];
  }
  return {ids, ids.eq(kPad)};
}

std::string WordTokenizer::decode(const std::vector<int64_t>& ids) const {
  std::string out;
  for (int64_t id : ids) {
    if (id < kSpecialCount && id != kUnk) continue;
    out += (out.empty() ? "" : " ") + tokenOf(id);
  }
  return out;
}

YAML::Node WordTokenizer::toYaml() const {
  YAML::Node n;
  n["max_length"] = maxLength_;
  n["words"] = yamlList(words());
  return n;
}

WordTokenizer WordTokenizer::fromYaml(const YAML::Node& node) {
  int64_t maxLength = 24;
  std::vector<std::string> words;
  OptionsReader r(node, "tokenizer");
  r.read("max_length", maxLength).read("words", words);
  r.rejectUnknown();
  return WordTokenizer(words, maxLength);
}

TextEncoderOptions TextEncoderOptions::fromYaml(const YAML::Node& node) {
  TextEncoderOptions o;
  OptionsReader r(node, "text_encoder");
  r.read("vocab_size", o.vocabSize)
      .read("max_length", o.maxLength)
      .read("d_model", o.dModel)
      .read("layers", o.layers)
      .read("heads", o.heads)
      .read("ff_mult", o.ffMult);
  r.rejectUnknown();
  requireOption(o.vocabSize > WordTokenizer::kSpecialCount, "text_encoder", "vocab_size", "must exceed the 4 special tokens");
  requireOption(o.heads > 0 && o.dModel % o.heads == 0, "text_encoder", "heads", "must divide d_model");
  return o;
}

YAML::Node TextEncoderOptions::toYaml() const {
  YAML::Node n;
  n["vocab_size"] = vocabSize;
  n["max_length"] = maxLength;
  n["d_model"] = dModel;
  n["layers"] = layers;
  n["heads"] = heads;
  n["ff_mult"] = ffMult;
  return n;
}

TextEncoderImpl::TextEncoderImpl(const TextEncoderOptions& options) : options_(options) {
  token_embedding = register_module("token_embedding", torch::nn::Embedding(options.vocabSize, options.dModel));
  // Small random positions, as GPT-2 does, so that early training is not dominated by them.
  position_embedding =
      register_parameter("position_embedding", torch::randn({options.maxLength, options.dModel}) * 0.02);
  layers = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < options.layers; ++i)
    layers->push_back(TransformerBlock(TransformerBlockOptions{options.dModel, options.heads, 0, options.ffMult}));
  final_norm = register_module("final_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({options.dModel})));
}

TextEncoding TextEncoderImpl::forward(const torch::Tensor& ids) {
  TORCH_CHECK(ids.dim() == 2 && ids.size(1) <= options_.maxLength, "TextEncoder expects ids [B, L<=",
              options_.maxLength, "]");
  const int64_t length = ids.size(1);
  TextEncoding out;
  out.paddingMask = ids.eq(WordTokenizer::kPad);
  auto h = token_embedding(ids) + position_embedding.slice(0, 0, length).unsqueeze(0);
  for (const auto& layer : *layers) h = layer->as<TransformerBlockImpl>()->forward(h, {}, out.paddingMask);
  out.context = final_norm(h);
  // argmax of a 0/1 row is its first 1, or 0 ([BOS]) when the row has no [EOS].
  const auto eosIndex = ids.eq(WordTokenizer::kEos).to(torch::kFloat32).argmax(1);
  out.pooled = out.context.gather(1, eosIndex.view({-1, 1, 1}).expand({-1, 1, out.context.size(2)})).squeeze(1);
  return out;
}

TextEncoding TextEncoderImpl::encode(const WordTokenizer& tokenizer, const std::vector<std::string>& prompts) {
  TORCH_CHECK(tokenizer.vocabSize() <= options_.vocabSize, "TextEncoder: tokenizer vocabulary (",
              tokenizer.vocabSize(), ") exceeds vocab_size ", options_.vocabSize);
  return forward(tokenizer.encode(prompts).ids.to(position_embedding.device()));
}

torch::Tensor TextEncoderImpl::unconditionalContext(const WordTokenizer& tokenizer, int64_t batch) {
  return encode(tokenizer, std::vector<std::string>(static_cast<size_t>(batch), "")).context;
}

}  // namespace vds
