// `vdstudio-cli probe captions`: which caption words a video model reads (eval/caption_probe.h).
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/cli_common.h"
#include "core/errors.h"
#include "eval/caption_probe.h"

namespace vds::cli {

void registerProbeCommands(CLI::App& app) {
  auto* probe = app.add_subcommand("probe", "Diagnostics of a trained model");
  probe->require_subcommand(1);
  struct Args {
    std::string model;
    CaptionProbeOptions options;
    std::string jsonOut;
  };
  auto a = std::make_shared<Args>();
  auto* captions = probe->add_subcommand(
      "captions",
      "Which caption attributes a video model reads: the x0 loss on held-out clips under their true caption and "
      "under captions with every direction reversed, every colour or shape changed, or no caption, with the same "
      "noise for all, at a few noise levels");
  captions->add_option("--model", a->model, "video_unet or i2v_unet package (builtin:NAME or a folder)")->required();
  captions->add_option("--n", a->options.n, "Held-out clips")->capture_default_str()->check(CLI::Range(int64_t{1}, int64_t{1000000}));
  captions->add_option("--levels", a->options.levels, "Noise levels from the package's schedule, noisiest first")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  captions->add_option("--at", a->options.at, "Explicit DDPM timesteps (sigmas for EDM models); overrides --levels")
      ->delimiter(',');
  captions->add_option("--draws", a->options.draws, "Noise draws per clip and level")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  captions->add_option("--seed", a->options.seed, "Noise seed")->capture_default_str();
  captions->add_option("--batch-size", a->options.batchSize, "Clips per batch (the results do not depend on it)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{4096}));
  captions->add_flag("--drop-first-frame", a->options.dropFirstFrame,
                     "Image-to-video models: condition on the zero first-frame latent (the unguided image branch), "
                     "to see which words the model reads without a frame to start from");
  captions->add_option("--json", a->jsonOut, "Write the report as JSON to this file");
  captions->callback([a] {
    a->options.model = packageOption("--model", a->model);
    ProgressBar bar(isatty(fileno(stderr)) != 0);
    const CaptionProbeReport report = probeCaptions(a->options, [&bar](const ProgressUpdate& u) { bar(u); });
    bar.finish();
    std::printf("%s", report.formatTable().c_str());
    if (!a->jsonOut.empty()) writeJsonReport(a->jsonOut, report.toJson());
  });
}

}  // namespace vds::cli
