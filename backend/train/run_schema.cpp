#include "train/run_schema.h"

#include "core/device.h"
#include "core/errors.h"

namespace vds {

ConfigSchema baseRunSchema(const std::vector<std::string>& methods) {
  ConfigSchema s;
  // --- run: identity, reproducibility and placement.
  s.add(makeField("run.name", FieldType::String, YAML::Node(""), "Run name shown in the run browser; empty picks method-date."));
  s.add(makeField("run.workspace", FieldType::String, YAML::Node(""),
              "Workspace folder; empty means $XDG_DATA_HOME/vdstudio (ARCHITECTURE §8)."));
  s.add(withRange(makeField("run.seed", FieldType::Int, YAML::Node(0), "Seed of every random stream of the run."), 0, std::nullopt));
  FieldSpec device = makeField("run.device", FieldType::String, YAML::Node("auto"), "auto, cpu, cuda or cuda:N.");
  device.check = [](const YAML::Node& v) -> std::string {
    const std::string d = v.Scalar();
    if (d == "auto" || d == "cpu" || d == "cuda" || d.rfind("cuda:", 0) == 0) return "";
    return "device '" + d + "' is not one of auto, cpu, cuda, cuda:N";
  };
  s.add(device);
  s.add(withRange(makeField("run.threads", FieldType::Int, YAML::Node(0), "CPU threads for LibTorch; 0 uses every core."), 0,
                  1024));
  s.add(makeChoice("run.precision", {"auto", "float32", "bfloat16"},
               "auto is bf16 autocast on CUDA and float32 on the CPU."));
  // --- data: the built-in Shapes world or a folder of videos.
  s.add(makeChoice("data.source", {"shapes", "video_folder"}, "Where training clips come from."));
  s.add(makeField("data.path", FieldType::String, YAML::Node(""),
                  "For data.source = video_folder: the clip cache written by 'vdstudio-cli dataset import'; its "
                  "frames and size must match data.frames and data.size."));
  s.add(makeField("data.style", FieldType::String, YAML::Node("plain"), "Shapes render style of the 'real' videos."));
  s.add(withRange(makeField("data.frames", FieldType::Int, YAML::Node(8), "Frames per clip."), 1, 256));
  s.add(withRange(makeField("data.size", FieldType::Int, YAML::Node(32), "Frame width and height in pixels."), 8, 1024));
  s.add(withRange(makeField("data.max_objects", FieldType::Int, YAML::Node(2), "Objects per Shapes clip, at most."), 1, 2));
  s.add(withRange(makeField("data.clips", FieldType::Int, YAML::Node(50000), "Distinct Shapes training clips per style."), 1,
                std::nullopt));
  s.add(withRange(makeField("data.batch_size", FieldType::Int, YAML::Node(8), "Clips per training batch."), 1, 4096));
  s.add(withRange(makeField("data.prefetch", FieldType::Int, YAML::Node(4), "Batches prepared ahead on the loader thread."), 1, 64));
  // --- trainer: the loop shared by every method.
  s.add(withRange(makeField("trainer.steps", FieldType::Int, YAML::Node(2000), "Generator iterations to train."), 1, std::nullopt));
  s.add(withRange(makeField("trainer.log_every", FieldType::Int, YAML::Node(10), "Steps between scalar log events."), 1, std::nullopt));
  s.add(withRange(makeField("trainer.sample_every", FieldType::Int, YAML::Node(250), "Steps between sample videos; 0 disables."), 0,
                std::nullopt));
  s.add(withRange(makeField("trainer.checkpoint_every", FieldType::Int, YAML::Node(500), "Steps between checkpoints; 0 disables."),
                0, std::nullopt));
  s.add(withRange(makeField("trainer.keep_checkpoints", FieldType::Int, YAML::Node(3), "Newest checkpoints kept on disk."), 1,
                std::nullopt));
  s.add(withRange(makeField("trainer.grad_clip", FieldType::Float, YAML::Node(1.0), "Global gradient-norm clip; 0 disables."), 0,
                std::nullopt));
  s.add(withRange(makeField("trainer.ema_decay", FieldType::Float, YAML::Node(0.0),
                            "EMA decay of the trained network's weights (an AVDM2 student, or the UNet of the diffusion "
                            "pre-training jobs style, motion, i2v and t2v), updated after every "
                            "optimiser step; previews and the export then use the EMA. 0: no EMA, as in the AVDM2 paper."),
                  0, 0.9999));
  s.add(withRange(makeField("trainer.warmup_steps", FieldType::Int, YAML::Node(100), "Linear learning-rate warm-up."), 0,
                std::nullopt));
  s.add(makeChoice("trainer.lr_schedule", {"constant", "cosine"},
                   "Learning rate after the warm-up: constant, or cosine decay to zero at the last step."));
  s.add(withRange(makeField("trainer.max_nan_steps", FieldType::Int, YAML::Node(20),
                      "Non-finite losses are skipped and counted; the run stops after this many."),
                0, std::nullopt));
  // --- method selection; the method's own settings live under method.<name>.
  s.add(makeChoice("method.name", methods, "Distillation method (specs/000-003) or a pre-training job."));
  return s;
}

}  // namespace vds
