#include "data/dataloader.h"

#include <numeric>

#include "core/errors.h"
#include "core/rng.h"

namespace vds {
namespace {

// Permutations of epochs older than the one being built are dropped; two are kept
// because workers may straddle an epoch boundary.
constexpr size_t kCachedPermutations = 2;

void requirePositive(const char* name, int64_t value) {
  if (value < 1)
    throw ConfigError("data loader option '" + std::string(name) + "' must be at least 1, got " +
                      std::to_string(value));
}

}  // namespace

DataLoader::DataLoader(std::shared_ptr<const ClipDataset> dataset, LoaderOptions options, LoaderCursor start)
    : dataset_(std::move(dataset)), options_(options) {
  if (!dataset_) throw ConfigError("data loader: no dataset");
  requirePositive("batchSize", options_.batchSize);
  requirePositive("prefetchBatches", options_.prefetchBatches);
  requirePositive("workers", options_.workers);
  const int64_t n = dataset_->size();
  batchesPerEpoch_ = options_.dropLast ? n / options_.batchSize : (n + options_.batchSize - 1) / options_.batchSize;
  if (batchesPerEpoch_ < 1)
    throw DataError("data loader: a dataset of " + std::to_string(n) + " samples gives no batch of " +
                    std::to_string(options_.batchSize) + (options_.dropLast ? " with dropLast" : ""));
  seek(start);
}

DataLoader::~DataLoader() { stopWorkers(); }

void DataLoader::seek(LoaderCursor cursor) {
  if (cursor.epoch < 0 || cursor.position < 0 || cursor.position >= batchesPerEpoch_)
    throw DataError("data loader: cursor (epoch " + std::to_string(cursor.epoch) + ", position " +
                    std::to_string(cursor.position) + ") is outside an epoch of " + std::to_string(batchesPerEpoch_) +
                    " batches");
  stopWorkers();
  startWorkers(cursor.epoch * batchesPerEpoch_ + cursor.position);
}

LoaderCursor DataLoader::cursor() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return {nextToDeliver_ / batchesPerEpoch_, nextToDeliver_ % batchesPerEpoch_};
}

void DataLoader::startWorkers(int64_t firstBatch) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = false;
    nextToClaim_ = firstBatch;
    nextToDeliver_ = firstBatch;
    ready_.clear();
  }
  for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { workerLoop(); });
}

void DataLoader::stopWorkers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  // A worker finishes at most the batch it is building: no worker ever waits on a
  // full queue without also waking on stopping_.
  for (std::thread& t : workers_) t.join();
  workers_.clear();
}

void DataLoader::workerLoop() {
  while (true) {
    int64_t ticket = 0;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return stopping_ || nextToClaim_ < nextToDeliver_ + options_.prefetchBatches; });
      if (stopping_) return;
      ticket = nextToClaim_++;
    }
    Result result;
    try {
      result.batch = buildBatch(ticket);
    } catch (...) {
      result.error = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ready_.emplace(ticket, std::move(result));
    }
    changed_.notify_all();
  }
}

Batch DataLoader::next() {
  Result result;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return ready_.count(nextToDeliver_) != 0; });
    auto it = ready_.find(nextToDeliver_);
    result = std::move(it->second);
    ready_.erase(it);
    ++nextToDeliver_;
  }
  changed_.notify_all();  // a worker may claim the next batch
  if (result.error) std::rethrow_exception(result.error);
  return std::move(result.batch);
}

std::shared_ptr<const std::vector<int64_t>> DataLoader::permutation(int64_t epoch) {
  std::lock_guard<std::mutex> lock(permutationMutex_);
  auto it = permutations_.find(epoch);
  if (it != permutations_.end()) return it->second;
  auto order = std::make_shared<std::vector<int64_t>>(static_cast<size_t>(dataset_->size()));
  std::iota(order->begin(), order->end(), int64_t{0});
  if (options_.shuffle) {
    // Fisher-Yates with the portable Rng: the same order on every platform.
    Rng rng(deriveSeed(options_.seed, {tagOf("loader-shuffle"), static_cast<uint64_t>(epoch)}));
    for (size_t i = order->size(); i > 1; --i) std::swap((*order)[i - 1], (*order)[rng.below(i)]);
  }
  permutations_.emplace(epoch, order);
  while (permutations_.size() > kCachedPermutations) permutations_.erase(permutations_.begin());
  return order;
}

Batch DataLoader::buildBatch(int64_t globalBatch) {
  const int64_t epoch = globalBatch / batchesPerEpoch_;
  const int64_t position = globalBatch % batchesPerEpoch_;
  const auto order = permutation(epoch);
  const int64_t begin = position * options_.batchSize;
  const int64_t end = std::min<int64_t>(begin + options_.batchSize, static_cast<int64_t>(order->size()));

  Batch batch;
  std::vector<torch::Tensor> videos, firsts;
  for (int64_t k = begin; k < end; ++k) {
    const int64_t index = (*order)[static_cast<size_t>(k)];
    Sample s;
    try {
      s = dataset_->get(index);
    } catch (const std::exception& e) {
      throw DataError("data loader: dataset index " + std::to_string(index) + " (epoch " + std::to_string(epoch) +
                      ", batch " + std::to_string(position) + ") failed: " + e.what());
    }
    if (!videos.empty() && s.video.sizes() != videos.front().sizes())
      throw DataError("data loader: dataset index " + std::to_string(index) + " has video shape " +
                      c10::str(s.video.sizes()) + " but the batch has " + c10::str(videos.front().sizes()));
    videos.push_back(s.video);
    firsts.push_back(s.firstFrame);
    batch.captions.push_back(std::move(s.caption));
    batch.indices.push_back(index);
  }
  batch.video = torch::stack(videos);
  batch.firstFrame = torch::stack(firsts);
  return batch;
}

}  // namespace vds
