// The word tokenizer and the text encoder.
#include "core/errors.h"
#include "models/text_encoder.h"
#include "support/test_support.h"

using vds::WordTokenizer;
using vds::test::maxAbsDiff;

namespace {

const std::vector<std::string> kWords{"a", "red", "blue", "circle", "square", "moving", "left", "up", "and"};

std::vector<int64_t> row(const torch::Tensor& ids, int64_t i) {
  auto r = ids[i].contiguous();
  return {r.data_ptr<int64_t>(), r.data_ptr<int64_t>() + r.numel()};
}

}  // namespace

class ModelsTextTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // Tiny tensors: thread start-up and contention cost more than they save (25x on a busy 2-core box).
  void initTestCase() { torch::set_num_threads(1); }

  void init() { torch::manual_seed(5); }

  void knownSentenceGivesKnownIds() {
    WordTokenizer tok(kWords, 10);
    QCOMPARE(tok.vocabSize(), int64_t{13});
    QCOMPARE(tok.idOf("a"), int64_t{4});
    QCOMPARE(tok.idOf("red"), int64_t{5});
    // Upper case and punctuation do not matter.
    const auto encoded = tok.encode({"A red circle, moving LEFT!", ""});
    QCOMPARE(row(encoded.ids, 0), (std::vector<int64_t>{1, 4, 5, 7, 9, 10, 2, 0, 0, 0}));
    QCOMPARE(row(encoded.ids, 1), (std::vector<int64_t>{1, 2, 0, 0, 0, 0, 0, 0, 0, 0}));
    QCOMPARE(encoded.paddingMask.dtype(), torch::kBool);
    QCOMPARE(encoded.paddingMask.sum(1).to(torch::kInt64)[0].item<int64_t>(), int64_t{3});
    QCOMPARE(encoded.paddingMask.sum(1).to(torch::kInt64)[1].item<int64_t>(), int64_t{8});
    QVERIFY(!encoded.paddingMask[0][6].item<bool>() && encoded.paddingMask[0][7].item<bool>());
    QCOMPARE(tok.decode(row(encoded.ids, 0)), std::string("a red circle moving left"));
  }

  void unknownWordsAndTruncation() {
    WordTokenizer tok(kWords, 6);
    QCOMPARE(tok.encodeOne("a green circle"), (std::vector<int64_t>{1, 4, WordTokenizer::kUnk, 7, 2}));
    // Too long: the first words are kept and [EOS] still ends the sequence.
    QCOMPARE(tok.encodeOne("a red circle and a blue square"), (std::vector<int64_t>{1, 4, 5, 7, 12, 2}));
    QCOMPARE(WordTokenizer::splitWords("  Red--circle.up "), (std::vector<std::string>{"red", "circle", "up"}));
  }

  void vocabularyRoundTripAndErrors() {
    WordTokenizer tok(kWords, 12);
    const auto back = WordTokenizer::fromYaml(YAML::Load(YAML::Dump(tok.toYaml())));
    QCOMPARE(back.words(), kWords);
    QCOMPARE(back.maxLength(), int64_t{12});
    QCOMPARE(back.encodeOne("blue square moving up"), tok.encodeOne("blue square moving up"));
    VDS_EXPECT_THROW_MSG(WordTokenizer({"red", "red"}), vds::ConfigError, "red");
    VDS_EXPECT_THROW_MSG(WordTokenizer({"Red"}), vds::ConfigError, "Red");
    VDS_EXPECT_THROW_MSG(WordTokenizer::fromYaml(YAML::Load("words: [a]\nmaxlength: 3")), vds::ConfigError,
                         "maxlength");
  }

  void encoderShapesAndPooling() {
    WordTokenizer tok(kWords, 10);
    vds::TextEncoderOptions o;
    o.vocabSize = tok.vocabSize();
    o.maxLength = 10;
    o.dModel = 16;
    o.heads = 2;
    vds::TextEncoder encoder(o);
    torch::NoGradGuard noGrad;
    const auto out = encoder->encode(tok, {"a red circle", "blue square moving up", ""});
    QCOMPARE(out.context.sizes().vec(), (std::vector<int64_t>{3, 10, 16}));
    QCOMPARE(out.pooled.sizes().vec(), (std::vector<int64_t>{3, 16}));
    // Pooled = context at [EOS]: position 4 for "a red circle", 1 for "".
    QVERIFY(maxAbsDiff(out.pooled[0], out.context[0][4]) == 0.0);
    QVERIFY(maxAbsDiff(out.pooled[2], out.context[2][1]) == 0.0);
    // The unconditional context is the empty prompt's encoding.
    const auto uncond = encoder->unconditionalContext(tok, 2);
    QCOMPARE(uncond.sizes().vec(), (std::vector<int64_t>{2, 10, 16}));
    QVERIFY(maxAbsDiff(uncond[1], out.context[2]) < 1e-6);
  }

  void paddingDoesNotLeakIntoWords() {
    vds::TextEncoderOptions o;
    o.vocabSize = 13;
    o.maxLength = 12;
    o.dModel = 16;
    o.heads = 2;
    vds::TextEncoder encoder(o);
    torch::NoGradGuard noGrad;
    // The same sentence padded to 6 and to 12 tokens: the real tokens' outputs agree.
    auto shortIds = WordTokenizer(kWords, 6).encode({"a red circle"}).ids;
    auto longIds = WordTokenizer(kWords, 12).encode({"a red circle"}).ids;
    auto a = encoder(shortIds).context.slice(1, 0, 5), b = encoder(longIds).context.slice(1, 0, 5);
    QVERIFY(maxAbsDiff(a, b) < 1e-5);
  }

  void optionsYamlRoundTrip() {
    vds::TextEncoderOptions o;
    o.layers = 3;
    const auto back = vds::TextEncoderOptions::fromYaml(YAML::Load(YAML::Dump(o.toYaml())));
    QCOMPARE(back.layers, int64_t{3});
    QCOMPARE(YAML::Dump(back.toYaml()), YAML::Dump(o.toYaml()));
    VDS_EXPECT_THROW_MSG(vds::TextEncoderOptions::fromYaml(YAML::Load("d_modle: 32")), vds::ConfigError, "d_modle");
  }
};

QTEST_GUILESS_MAIN(ModelsTextTest)
#include "test_models_text.moc"
