// Attention: the fused/plain kernel against the textbook formula, key padding, and the
// multi-head module's shapes.
#include <cmath>

#include "models/attention.h"
#include "support/test_support.h"

using vds::test::maxAbsDiff;

namespace {

// softmax(q kᵀ / √d) v in double precision, keys with keep[n][j] == false removed.
torch::Tensor referenceAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                 const torch::Tensor& keep = {}) {
  auto qd = q.to(torch::kFloat64), kd = k.to(torch::kFloat64), vd = v.to(torch::kFloat64);
  auto scores = torch::matmul(qd, kd.transpose(-2, -1)) / std::sqrt(static_cast<double>(q.size(-1)));
  auto weights = torch::exp(scores - std::get<0>(scores.max(-1, true)));
  if (keep.defined()) weights = weights * keep.to(torch::kFloat64).view({q.size(0), 1, 1, k.size(2)});
  weights = weights / weights.sum(-1, true);
  return torch::matmul(weights, vd).to(q.dtype());
}

}  // namespace

class ModelsAttentionTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // Tiny tensors: thread start-up and contention cost more than they save (25x on a busy 2-core box).
  void initTestCase() { torch::set_num_threads(1); }

  void init() { torch::manual_seed(1); }

  void matchesSoftmaxFormula() {
    auto q = torch::randn({2, 3, 5, 8}), k = torch::randn({2, 3, 7, 8}), v = torch::randn({2, 3, 7, 8});
    auto out = vds::attention(q, k, v);
    QCOMPARE(out.sizes().vec(), (std::vector<int64_t>{2, 3, 5, 8}));
    QVERIFY(maxAbsDiff(out, referenceAttention(q, k, v)) < 1e-5);
  }

  void maskedKeysGetZeroWeight() {
    auto q = torch::randn({2, 2, 4, 8}), k = torch::randn({2, 2, 6, 8}), v = torch::randn({2, 2, 6, 8});
    auto padding = torch::zeros({2, 6}, torch::kBool);
    padding.index_put_({0, torch::indexing::Slice(4, 6)}, true);  // sample 0: last two keys are padding
    padding.index_put_({1, 0}, true);                              // sample 1: first key is padding
    auto out = vds::attention(q, k, v, padding);
    QVERIFY(maxAbsDiff(out, referenceAttention(q, k, v, padding.logical_not())) < 1e-5);

    // Whatever the padded keys and values hold, the output does not change.
    auto k2 = k.clone(), v2 = v.clone();
    auto noise = torch::randn({2, 2, 6, 8}) * 100;
    auto padded = padding.view({2, 1, 6, 1}).expand_as(v);
    v2 = torch::where(padded, noise, v2);
    k2 = torch::where(padded, noise, k2);
    QVERIFY(maxAbsDiff(vds::attention(q, k2, v2, padding), out) < 1e-5);
    // ... while changing an unpadded value does.
    v2.index_put_({0, torch::indexing::Slice(), 0}, 5.0);
    QVERIFY(maxAbsDiff(vds::attention(q, k2, v2, padding), out) > 1e-3);
  }

  void multiHeadSelfAndCrossShapes() {
    vds::MultiHeadAttention self(vds::MultiHeadAttentionOptions{16, 0, 4, 0});
    auto x = torch::randn({3, 5, 16});
    QCOMPARE(self(x).sizes().vec(), (std::vector<int64_t>{3, 5, 16}));
    vds::MultiHeadAttention cross(vds::MultiHeadAttentionOptions{16, 12, 2, 0});
    auto context = torch::randn({3, 9, 12});
    QCOMPARE(cross(x, context).sizes().vec(), (std::vector<int64_t>{3, 5, 16}));
    QCOMPARE(cross->to_k->weight.sizes().vec(), (std::vector<int64_t>{16, 12}));
  }

  void multiHeadMatchesPerHeadFormula() {
    vds::MultiHeadAttention mha(vds::MultiHeadAttentionOptions{8, 0, 2, 0});
    auto x = torch::randn({1, 4, 8});
    torch::NoGradGuard noGrad;
    auto q = mha->to_q(x), k = mha->to_k(x), v = mha->to_v(x);
    std::vector<torch::Tensor> heads;
    for (int h = 0; h < 2; ++h) {
      auto cols = torch::indexing::Slice(4 * h, 4 * h + 4);
      auto qh = q.index({0, torch::indexing::Slice(), cols}), kh = k.index({0, torch::indexing::Slice(), cols}),
           vh = v.index({0, torch::indexing::Slice(), cols});
      heads.push_back(torch::matmul(torch::softmax(torch::matmul(qh, kh.t()) / 2.0, -1), vh));
    }
    auto expected = mha->to_out(torch::cat(heads, 1).unsqueeze(0));
    QVERIFY(maxAbsDiff(mha(x), expected) < 1e-5);
  }
};

QTEST_GUILESS_MAIN(ModelsAttentionTest)
#include "test_models_attention.moc"
