// The bf16 autocast scope the Trainer opens around steps and sampling on CUDA. The
// autocast state is thread-local, so its switching can be checked without a GPU.
#include "support/test_support.h"
#include "train/autocast.h"

namespace {

bool cudaAutocastOn() {
#if VDS_TORCH_AT_LEAST(2, 4)
  return at::autocast::is_autocast_enabled(at::kCUDA);
#else
  return at::autocast::is_enabled();
#endif
}

at::ScalarType cudaAutocastDtype() {
#if VDS_TORCH_AT_LEAST(2, 4)
  return at::autocast::get_autocast_dtype(at::kCUDA);
#else
  return at::autocast::get_autocast_gpu_dtype();
#endif
}

}  // namespace

class AutocastTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void disabledScopeChangesNothing() {
    QVERIFY(!cudaAutocastOn());
    {
      vds::AutocastScope scope(false);
      QVERIFY(!cudaAutocastOn());
    }
    QVERIFY(!cudaAutocastOn());
  }

  void enabledScopeTurnsBf16OnAndRestores() {
    {
      vds::AutocastScope outer(true);
      QVERIFY(cudaAutocastOn());
      QCOMPARE(cudaAutocastDtype(), at::kBFloat16);
      {
        vds::AutocastScope inner(true);
        QVERIFY(cudaAutocastOn());
      }
      QVERIFY(cudaAutocastOn());  // the outer scope is still open
    }
    QVERIFY(!cudaAutocastOn());
    // CPU tensors are not touched by CUDA autocast.
    vds::AutocastScope scope(true);
    const torch::Tensor y = torch::mm(torch::ones({2, 2}), torch::ones({2, 2}));
    QCOMPARE(y.scalar_type(), at::kFloat);
  }
};

QTEST_GUILESS_MAIN(AutocastTest)
#include "test_autocast.moc"
