// Batching with background prefetch, seeded per-epoch shuffling and exact resume.
//
// The loader iterates epochs forever. Batch g (counted from epoch 0, position 0) is
// a pure function of (dataset, options, g): epoch e = g / batchesPerEpoch uses the
// permutation Fisher-Yates(Rng(deriveSeed(seed, {tagOf("loader-shuffle"), e}))).
// Workers claim batch numbers in order and the consumer receives them in order,
// so the sequence never depends on thread timing or on the number of workers.
#pragma once
#include <torch/torch.h>

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "data/dataset.h"

namespace vds {

struct Batch {
  torch::Tensor video;       // float [B, F, 3, H, W]
  torch::Tensor firstFrame;  // float [B, 3, H, W]
  std::vector<std::string> captions;
  std::vector<int64_t> indices;  // dataset indices, in batch order
};

struct LoaderOptions {
  int64_t batchSize = 8;
  bool shuffle = true;
  uint64_t seed = 0;
  bool dropLast = false;    // drop an epoch's final short batch
  int prefetchBatches = 4;  // batches built ahead of the consumer
  int workers = 1;          // background threads building batches
};

// Where the loader stands: the batch that the next call to next() returns.
struct LoaderCursor {
  int64_t epoch = 0;
  int64_t position = 0;  // batch within the epoch
  bool operator==(const LoaderCursor& o) const { return epoch == o.epoch && position == o.position; }
};

class DataLoader {
 public:
  // ConfigError for invalid options; DataError when an epoch would hold no batch.
  DataLoader(std::shared_ptr<const ClipDataset> dataset, LoaderOptions options, LoaderCursor start = {});
  ~DataLoader();
  DataLoader(const DataLoader&) = delete;
  DataLoader& operator=(const DataLoader&) = delete;

  // The next batch, waiting for the workers if needed. A failure while building it
  // is rethrown here as DataError naming the dataset index; the cursor moves past it.
  Batch next();
  // The position of the batch next() will return (not of what is prefetched), for checkpoints.
  LoaderCursor cursor() const;
  // Drops prefetched batches and continues exactly at `cursor`.
  void seek(LoaderCursor cursor);

  int64_t batchesPerEpoch() const { return batchesPerEpoch_; }
  const LoaderOptions& options() const { return options_; }

 private:
  struct Result {
    Batch batch;
    std::exception_ptr error;
  };
  void startWorkers(int64_t firstBatch);
  void stopWorkers();
  void workerLoop();
  Batch buildBatch(int64_t globalBatch);
  std::shared_ptr<const std::vector<int64_t>> permutation(int64_t epoch);

  std::shared_ptr<const ClipDataset> dataset_;
  LoaderOptions options_;
  int64_t batchesPerEpoch_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  int64_t nextToClaim_ = 0;    // global batch number the next idle worker builds
  int64_t nextToDeliver_ = 0;  // global batch number next() returns
  std::map<int64_t, Result> ready_;
  std::vector<std::thread> workers_;

  std::mutex permutationMutex_;
  std::map<int64_t, std::shared_ptr<const std::vector<int64_t>>> permutations_;
};

}  // namespace vds
