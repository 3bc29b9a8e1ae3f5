// DataLoader: batching, per-epoch shuffling, determinism, resume, shutdown, errors.
#include <chrono>
#include <set>
#include <thread>

#include "core/errors.h"
#include "core/rng.h"
#include "data/dataloader.h"
#include "support/test_support.h"

namespace {

using vds::Batch;
using vds::DataLoader;
using vds::LoaderCursor;
using vds::LoaderOptions;

// A dataset whose sample i is a tiny tensor filled with i. It can fail at one index
// and sleep a per-index pseudo-random time, so that workers finish out of order.
class CountingDataset : public vds::ClipDataset {
 public:
  explicit CountingDataset(int64_t n, int64_t failAt = -1, int maxSleepMicros = 0)
      : n_(n), failAt_(failAt), maxSleepMicros_(maxSleepMicros) {}
  int64_t size() const override { return n_; }
  vds::Sample get(int64_t index) const override {
    if (index == failAt_) throw std::runtime_error("synthetic failure");
    if (maxSleepMicros_ > 0) {
      vds::Rng rng(vds::deriveSeed(0, {static_cast<uint64_t>(index)}));
      std::this_thread::sleep_for(std::chrono::microseconds(rng.below(static_cast<uint64_t>(maxSleepMicros_))));
    }
    vds::Sample s;
    s.video = torch::full({2, 3, 4, 4}, static_cast<float>(index));
    s.firstFrame = s.video[0];
    s.caption = "clip " + std::to_string(index);
    s.index = index;
    return s;
  }

 private:
  int64_t n_, failAt_;
  int maxSleepMicros_;
};

std::vector<int64_t> drain(DataLoader& loader, int batches) {
  std::vector<int64_t> order;
  for (int b = 0; b < batches; ++b) {
    const Batch batch = loader.next();
    order.insert(order.end(), batch.indices.begin(), batch.indices.end());
  }
  return order;
}

LoaderOptions options(int64_t batchSize, uint64_t seed, int workers = 1) {
  LoaderOptions o;
  o.batchSize = batchSize;
  o.seed = seed;
  o.workers = workers;
  return o;
}

double secondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

class DataLoaderTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void shapesBatchShapes() {
    auto data = std::make_shared<vds::ShapesDataset>(vds::WorldOptions{}, vds::Split::train, 10);
    LoaderOptions o = options(4, 0);
    DataLoader loader(data, o);
    QCOMPARE(loader.batchesPerEpoch(), int64_t{3});
    const Batch b = loader.next();
    QCOMPARE(b.video.sizes(), (torch::IntArrayRef{4, 8, 3, 32, 32}));
    QCOMPARE(b.firstFrame.sizes(), (torch::IntArrayRef{4, 3, 32, 32}));
    QCOMPARE(b.captions.size(), size_t{4});
    QVERIFY(torch::equal(b.firstFrame[1], b.video[1][0]));
    QCOMPARE(b.captions[2], data->get(b.indices[2]).caption);
    loader.next();
    QCOMPARE(loader.next().video.size(0), int64_t{2});  // the short last batch
    o.dropLast = true;
    QCOMPARE(DataLoader(data, o).batchesPerEpoch(), int64_t{2});
  }

  void everyIndexOncePerEpoch() {
    auto data = std::make_shared<CountingDataset>(23);
    DataLoader loader(data, options(5, 7, 3));
    std::vector<std::vector<int64_t>> epochs;
    for (int e = 0; e < 3; ++e) {
      const auto order = drain(loader, 5);
      QCOMPARE(order.size(), size_t{23});
      QCOMPARE(std::set<int64_t>(order.begin(), order.end()).size(), size_t{23});
      epochs.push_back(order);
    }
    QVERIFY(epochs[0] != epochs[1] && epochs[1] != epochs[2]);
    const Batch b = loader.next();
    QCOMPARE(b.video[0][0][0][0][0].item<float>(), static_cast<float>(b.indices[0]));  // samples match indices
  }

  void orderDependsOnlyOnSeed() {
    auto jittery = std::make_shared<CountingDataset>(40, -1, 2000);
    DataLoader a(jittery, options(4, 11, 1)), b(jittery, options(4, 11, 4)), c(jittery, options(4, 12, 4));
    const auto oa = drain(a, 25), ob = drain(b, 25), oc = drain(c, 25);
    QVERIFY(oa == ob);
    QVERIFY(oa != oc);
    LoaderOptions sequential = options(4, 11, 2);
    sequential.shuffle = false;
    DataLoader d(jittery, sequential);
    const auto od = drain(d, 10);
    for (size_t i = 0; i < od.size(); ++i) QCOMPARE(od[i], static_cast<int64_t>(i % 40));
  }

  void resumeFromCursorContinuesExactly() {
    auto data = std::make_shared<CountingDataset>(17, -1, 500);
    const LoaderOptions o = options(3, 5, 2);
    DataLoader full(data, o);
    std::vector<std::vector<int64_t>> reference;
    LoaderCursor saved;
    for (int b = 0; b < 20; ++b) {
      if (b == 4) saved = full.cursor();
      reference.push_back(full.next().indices);
    }
    QCOMPARE(saved.epoch, int64_t{0});
    QCOMPARE(saved.position, int64_t{4});
    QVERIFY((full.cursor() == LoaderCursor{3, 2}));  // 20 batches of 6 per epoch

    DataLoader resumed(data, o, saved);
    for (int b = 4; b < 20; ++b) QVERIFY(resumed.next().indices == reference[b]);

    // seek() on a running loader drops what it prefetched and jumps.
    resumed.seek({1, 5});
    QVERIFY(resumed.next().indices == reference[11]);
    QVERIFY((resumed.cursor() == LoaderCursor{2, 0}));
    VDS_EXPECT_THROW_MSG(resumed.seek({0, 6}), vds::DataError, "position 6");
  }

  void destructionWithFullQueueIsPrompt() {
    auto fast = std::make_shared<CountingDataset>(100);
    auto t0 = std::chrono::steady_clock::now();
    {
      LoaderOptions o = options(2, 0, 3);
      o.prefetchBatches = 2;
      DataLoader loader(fast, o);
      loader.next();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the queue fills up
      t0 = std::chrono::steady_clock::now();
    }
    QVERIFY2(secondsSince(t0) < 0.5, "destructor waited on a full queue");

    auto slow = std::make_shared<CountingDataset>(100, -1, 50000);
    {
      DataLoader loader(slow, options(2, 0, 2));
      t0 = std::chrono::steady_clock::now();
    }
    QVERIFY2(secondsSince(t0) < 1.0, "destructor waited for more than the batch in flight");
  }

  void workerErrorNamesTheIndex() {
    auto data = std::make_shared<CountingDataset>(10, 5);
    LoaderOptions o = options(2, 0, 2);
    o.shuffle = false;
    DataLoader loader(data, o);
    QVERIFY((loader.next().indices == std::vector<int64_t>{0, 1}));
    loader.next();
    QVERIFY((loader.cursor() == LoaderCursor{0, 2}));
    VDS_EXPECT_THROW_MSG(loader.next(), vds::DataError, "dataset index 5");
    // The failed batch is consumed; the loader goes on with the next one.
    QVERIFY((loader.next().indices == std::vector<int64_t>{6, 7}));
    DataLoader again(data, o, {0, 2});
    VDS_EXPECT_THROW_MSG(again.next(), vds::DataError, "synthetic failure");
  }

  void invalidOptions() {
    auto data = std::make_shared<CountingDataset>(3);
    VDS_EXPECT_THROW_MSG(DataLoader(data, options(0, 0)), vds::ConfigError, "batchSize");
    LoaderOptions o = options(4, 0);
    o.dropLast = true;
    VDS_EXPECT_THROW_MSG(DataLoader(data, o), vds::DataError, "no batch");
  }

  void multiStyleDatasetShowsEveryClipInEveryStyle() {
    vds::WorldOptions world;
    world.width = world.height = 16;
    world.frames = 3;
    const std::vector<vds::Style> styles = {vds::Style::plain, vds::Style::outline, vds::Style::pixel};
    const vds::ShapesDataset data(world, vds::Split::train, 4, styles);
    QCOMPARE(data.size(), int64_t(12));
    // Index 8 = clip 8 / 3 = 2 in style 8 % 3 = 2 (pixel); index 7 is the same clip in outline.
    QVERIFY(data.styleOf(8) == vds::Style::pixel);
    QVERIFY(data.styleOf(7) == vds::Style::outline);
    QCOMPARE(data.specOf(8).caption, data.world().spec(vds::Split::train, 2).caption);
    const auto expected = data.world().renderFloat(data.world().spec(vds::Split::train, 2), vds::Style::pixel);
    QVERIFY(torch::equal(data.get(8).video, expected));
    QVERIFY(!torch::equal(data.get(6).video, expected));  // same clip, another style
    VDS_EXPECT_THROW_MSG(data.get(12), vds::DataError, "index 12");
  }
};

QTEST_GUILESS_MAIN(DataLoaderTest)
#include "test_dataloader.moc"
