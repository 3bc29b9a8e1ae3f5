// `vdstudio-cli dataset import`: a folder of videos with captions into a clip cache
// (data/video_import.h) that a run reads with data.source: video_folder, data.path: CACHE.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "cli/cli_common.h"
#include "core/errors.h"
#include "data/video_import.h"

namespace vds::cli {
namespace {

struct ImportArgs {
  std::string folder;
  std::string captions;
  int64_t frames = 8;
  int64_t size = 32;
  double fps = 0;
  std::string out;
  std::string autoencoder = "builtin:autoencoder";
  bool prune = false;
};

void runImport(const ImportArgs& a) {
  VideoImportOptions options;
  options.folder = a.folder;
  options.captions = a.captions;
  options.cache = a.out;
  options.frames = a.frames;
  options.size = a.size;
  options.fps = a.fps;
  options.autoencoder = a.autoencoder;
  options.prune = a.prune;
  ProgressBar bar(isatty(fileno(stderr)) != 0);
  const VideoImportReport report = importVideoFolder(options, [&bar](const ProgressUpdate& u) { bar(u); });
  bar.finish();
  std::printf("imported %lld clip(s) into %s (%lld encoded, %lld reused from the cache)\n",
              static_cast<long long>(report.clips), a.out.c_str(), static_cast<long long>(report.encoded),
              static_cast<long long>(report.reused));
  if (report.pruned > 0) std::printf("pruned %lld unused cache entr(ies)\n", static_cast<long long>(report.pruned));
  if (!report.skipped.empty()) {
    std::printf("skipped %zu file(s):\n", report.skipped.size());
    for (const SkippedFile& s : report.skipped) std::printf("  %s: %s\n", s.file.c_str(), s.reason.c_str());
  }
  if (report.clips == 0) throw DataError("no clip could be imported from '" + a.folder + "'");
  std::printf("train on it with: --set data.source=video_folder --set data.path=%s --set data.frames=%lld "
              "--set data.size=%lld\n",
              a.out.c_str(), static_cast<long long>(a.frames), static_cast<long long>(a.size));
}

}  // namespace

void registerDatasetCommands(CLI::App& app) {
  auto* dataset = app.add_subcommand("dataset", "Import real videos as training data");
  dataset->require_subcommand(1);
  auto args = std::make_shared<ImportArgs>();
  auto* import = dataset->add_subcommand(
      "import", "Decode, resample, centre-crop and encode a folder of captioned videos into a clip cache");
  import->add_option("folder", args->folder, "Folder of videos (searched recursively)")->required();
  import->add_option("--captions", args->captions,
                     "Captions: CSV with videoid,caption columns (WebVid style) or JSON; default: captions.csv or "
                     "captions.json in the folder");
  import->add_option("--frames", args->frames, "Frames per clip")->capture_default_str()->check(CLI::Range(1, 1024));
  import->add_option("--size", args->size, "Square frame side after the centre crop")
      ->capture_default_str()
      ->check(CLI::Range(8, 1024));
  import->add_option("--fps", args->fps, "Frame rate to resample to; 0 keeps each video's own")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 240.0));
  import->add_option("--out", args->out, "The clip cache directory (reused and updated by later imports)")->required();
  import->add_option("--autoencoder", args->autoencoder, "Autoencoder package that makes the latents")
      ->capture_default_str();
  import->add_flag("--prune", args->prune, "Delete cache entries that this import does not list");
  import->callback([args] { runImport(*args); });
}

}  // namespace vds::cli
