#include "methods/run_setup.h"

#include <ctime>

#include "core/paths.h"
#include "core/rng.h"
#include "methods/registry.h"

namespace vds {

uint64_t dataSeed(const Config& config) { return deriveSeed(config.get<uint64_t>("run.seed"), {tagOf("data")}); }

std::filesystem::path runWorkspace(const Config& config) {
  const std::string ws = config.get<std::string>("run.workspace");
  return ws.empty() ? defaultWorkspace() : std::filesystem::path(ws);
}

std::filesystem::path defaultRunDir(const Config& config) {
  std::string name = config.get<std::string>("run.name");
  if (name.empty()) {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);  // std::localtime shares one buffer between threads
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
    name = config.get<std::string>("method.name") + "-" + stamp;
  }
  return runWorkspace(config) / "runs" / name;
}

std::unique_ptr<Trainer> prepareRun(const Config& config, const RunPaths& paths, EventSink* events) {
  auto method = createMethod(config.get<std::string>("method.name"));
  const auto train = method->makeDataset(config, Split::train);
  const auto heldout = method->makeDataset(config, Split::heldout);
  LoaderOptions options;
  options.batchSize = config.get<int64_t>("data.batch_size");
  options.prefetchBatches = static_cast<int>(config.get<int64_t>("data.prefetch"));
  options.seed = dataSeed(config);
  auto loader = std::make_shared<DataLoader>(train, options);
  auto trainer = std::make_unique<Trainer>(config, std::move(method), loader, paths, events);
  LoaderOptions previewOptions;
  previewOptions.batchSize = kPreviewClips;
  previewOptions.shuffle = false;
  previewOptions.prefetchBatches = 1;
  DataLoader previewLoader(heldout, previewOptions);
  trainer->setPreview(previewLoader.next());
  return trainer;
}

}  // namespace vds
