#include "pipeline/model_zoo.h"

#include <set>

#include "core/errors.h"
#include "models/model_factory.h"

namespace vds {
namespace {

namespace fs = std::filesystem;
using diffusion::Parameterisation;

// Manifest sections each kind may carry besides the ones every package has.
const std::set<std::string> kDiffusionSections = {"parameterisation", "schedule", "latent", "conditioning",
                                                  "sampling"};
const std::set<std::string> kPackageSections = {"format", "kind", "name", "description", "architecture",
                                                "weights", "training"};

std::string manifestFile(const fs::path& dir) { return (dir / kModelManifestFile).string(); }

[[noreturn]] void failKey(const std::string& file, const std::string& key, const std::string& what) {
  throw ModelPackageError(file + ": key '" + key + "' " + what);
}

// Strict reading of one map-valued section: every key is required unless read with a
// default, and rejectUnknown() names any key nobody asked for.
class SectionReader {
 public:
  SectionReader(const YAML::Node& root, std::string section, std::string file)
      : section_(std::move(section)), file_(std::move(file)) {
    node_ = root[section_];
    if (!node_) failKey(file_, section_, "is missing");
    if (!node_.IsMap()) failKey(file_, section_, "must be a mapping");
  }
  const std::string& name() const { return section_; }
  const std::string& file() const { return file_; }
  std::string key(const std::string& k) const { return section_ + "." + k; }

  template <typename T>
  T get(const std::string& k) {
    read_.insert(k);
    const YAML::Node value = child(k);
    if (!value) failKey(file_, key(k), "is missing");
    try {
      return value.as<T>();
    } catch (const YAML::Exception&) {
      failKey(file_, key(k), "has the wrong type");
    }
  }
  YAML::Node node(const std::string& k) {
    read_.insert(k);
    const YAML::Node value = child(k);
    if (!value) failKey(file_, key(k), "is missing");
    return value;
  }
  void rejectUnknown() const {
    for (const auto& item : node_) {
      const std::string k = item.first.as<std::string>("");
      if (read_.count(k) == 0) failKey(file_, key(k), "is not a '" + section_ + "' key");
    }
  }

 private:
  // A const lookup, which never inserts the key.
  YAML::Node child(const std::string& k) const { return node_[k]; }

  YAML::Node node_;
  std::string section_, file_;
  std::set<std::string> read_;
};

// Sections not in kPackageSections ∪ `allowed` are errors for this kind.
void checkSections(const YAML::Node& root, const std::string& kind, const std::set<std::string>& allowed,
                   const std::string& file) {
  for (const auto& item : root) {
    const std::string key = item.first.as<std::string>("");
    if (kPackageSections.count(key) == 0 && allowed.count(key) == 0)
      failKey(file, key, "is not used by " + kind + " packages");
  }
}

ModelPackage openKind(const fs::path& dir, const std::string& kind) {
  ModelPackage package = ModelPackage::open(dir);
  if (package.kind() != kind)
    failKey(manifestFile(dir), "kind", "is '" + package.kind() + "', expected '" + kind + "'");
  return package;
}

// Runs a parse that throws ConfigError, rethrowing it as a ModelPackageError naming `key`.
template <typename F>
auto asPackageError(const std::string& file, const std::string& key, F parse) {
  try {
    return parse();
  } catch (const ConfigError& e) {
    failKey(file, key, std::string("is invalid: ") + e.what());
  }
}

template <typename Options>
Options architectureOf(const ModelPackage& package) {
  return asPackageError(manifestFile(package.dir()), "architecture",
                        [&] { return Options::fromYaml(package.section("architecture")); });
}

void loadWeights(const ModelPackage& package, torch::nn::Module& module) {
  package.loadInto(module);
  module.eval();
}

YAML::Node baseManifest(const std::string& kind, const PackageInfo& info, const YAML::Node& architecture) {
  YAML::Node m(YAML::NodeType::Map);
  m["kind"] = kind;
  m["name"] = info.name;
  if (!info.description.empty()) m["description"] = info.description;
  m["architecture"] = architecture;
  return m;
}

void addTraining(YAML::Node& manifest, const PackageInfo& info) {
  if (info.training.IsDefined() && !info.training.IsNull()) manifest["training"] = YAML::Clone(info.training);
}

// ---- Diffusion sections -----------------------------------------------------------

struct UNetFacts {
  int64_t outChannels = 0;
  int64_t contextDim = 0;
};

UNetFacts unetFacts(const std::string& kind, const torch::nn::Module& module, const std::string& file) {
  if (kind == kKindImageUNet) {
    if (const auto* m = dynamic_cast<const ImageUNetImpl*>(&module))
      return {m->options().outChannels, m->options().contextDim};
  } else if (kind == kKindI2VUNet) {
    if (const auto* m = dynamic_cast<const I2VUNetImpl*>(&module))
      return {m->i2vOptions().latentChannels, m->options().spatial.contextDim};
  } else if (kind == kKindVideoUNet) {
    const auto* m = dynamic_cast<const VideoUNetImpl*>(&module);
    if (m != nullptr && dynamic_cast<const I2VUNetImpl*>(&module) == nullptr)
      return {m->options().spatial.outChannels, m->options().spatial.contextDim};
  } else {
    failKey(file, "kind", "is '" + kind + "', expected image_unet, video_unet or i2v_unet");
  }
  throw ModelPackageError(file + ": the module is not a " + kind);
}

YAML::Node architectureYaml(const std::string& kind, const torch::nn::Module& module) {
  if (kind == kKindImageUNet) return dynamic_cast<const ImageUNetImpl&>(module).options().toYaml();
  if (kind == kKindI2VUNet) return dynamic_cast<const I2VUNetImpl&>(module).i2vOptions().toYaml();
  return dynamic_cast<const VideoUNetImpl&>(module).options().toYaml();
}

ScheduleSpec readSchedule(const YAML::Node& root, const std::string& file) {
  SectionReader r(root, "schedule", file);
  const std::string type = r.get<std::string>("type");
  ScheduleSpec s;
  if (type == "edm") {
    s = ScheduleSpec::karras(r.get<double>("sigma_min"), r.get<double>("sigma_max"), r.get<double>("rho"));
    if (!(s.sigmaMin > 0 && s.sigmaMax > s.sigmaMin && s.rho > 0))
      failKey(file, "schedule", "needs 0 < sigma_min < sigma_max and rho > 0");
  } else {
    s.edm = false;
    s.beta = asPackageError(file, r.key("type"), [&] { return diffusion::parseBetaSchedule(type); });
    s.timesteps = r.get<int>("timesteps");
    if (s.beta == diffusion::BetaSchedule::cosine) {
      s.cosineS = r.get<double>("cosine_s");
      s.maxBeta = r.get<double>("max_beta");
    } else {
      s.betaStart = r.get<double>("beta_start");
      s.betaEnd = r.get<double>("beta_end");
    }
    if (s.timesteps < 2) failKey(file, r.key("timesteps"), "must be >= 2");
    asPackageError(file, "schedule", [&] { return s.ddpmSchedule(); });
  }
  r.rejectUnknown();
  return s;
}

YAML::Node scheduleYaml(const ScheduleSpec& s) {
  YAML::Node n(YAML::NodeType::Map);
  if (s.edm) {
    n["type"] = "edm";
    n["sigma_min"] = s.sigmaMin;
    n["sigma_max"] = s.sigmaMax;
    n["rho"] = s.rho;
    return n;
  }
  n["type"] = diffusion::toString(s.beta);
  n["timesteps"] = s.timesteps;
  if (s.beta == diffusion::BetaSchedule::cosine) {
    n["cosine_s"] = s.cosineS;
    n["max_beta"] = s.maxBeta;
  } else {
    n["beta_start"] = s.betaStart;
    n["beta_end"] = s.betaEnd;
  }
  return n;
}

std::string nonEmptyPath(SectionReader& r, const std::string& key) {
  const std::string path = r.get<std::string>(key);
  if (path.empty()) failKey(r.file(), r.key(key), "must be a non-empty path");
  return path;
}

int64_t positive(SectionReader& r, const std::string& key) {
  const auto value = r.get<int64_t>(key);
  if (value < 1) failKey(r.file(), r.key(key), "must be >= 1, got " + std::to_string(value));
  return value;
}

// Parses and cross-checks the diffusion sections of `root` against the built module.
DiffusionSpec readDiffusionSpec(const YAML::Node& root, const std::string& kind, const torch::nn::Module& module,
                                const std::string& file) {
  checkSections(root, kind, kDiffusionSections, file);
  const UNetFacts facts = unetFacts(kind, module, file);
  DiffusionSpec spec;

  SectionReader p(root, "parameterisation", file);
  const std::string type = p.get<std::string>("type");
  spec.parameterisation = asPackageError(file, p.key("type"), [&] { return diffusion::parseParameterisation(type); });
  spec.sigmaData = p.get<double>("sigma_data");
  if (!(spec.sigmaData > 0)) failKey(file, p.key("sigma_data"), "must be > 0");
  p.rejectUnknown();

  spec.schedule = readSchedule(root, file);
  // An EDM-preconditioned network may run on a DDPM schedule: the Denoiser gives it the
  // scaled level sigma/alpha, and on a variance-preserving schedule c_in x/alpha is x itself.
  if (!diffusion::isEdm(spec.parameterisation) && spec.schedule.edm) {
    failKey(file, "schedule.type",
            "is 'edm' but parameterisation '" + type + "' needs a DDPM schedule (linear, scaled_linear, cosine)");
  }

  SectionReader l(root, "latent", file);
  spec.latent.autoencoder = nonEmptyPath(l, "autoencoder");
  spec.latent.channels = positive(l, "channels");
  spec.latent.height = positive(l, "height");
  spec.latent.width = positive(l, "width");
  spec.latent.frames = positive(l, "frames");
  l.rejectUnknown();
  if (spec.latent.channels != facts.outChannels)
    failKey(file, l.key("channels"), "is " + std::to_string(spec.latent.channels) + " but the " + kind +
                                         " outputs " + std::to_string(facts.outChannels) + " channels");
  if (kind == kKindImageUNet && spec.latent.frames != 1) failKey(file, l.key("frames"), "must be 1 for image_unet");

  if (root["conditioning"]) {
    SectionReader c(root, "conditioning", file);
    spec.textEncoder = nonEmptyPath(c, "text_encoder");
    c.rejectUnknown();
    if (facts.contextDim == 0)
      failKey(file, c.key("text_encoder"), "is set but the " + kind + " has no cross-attention (context_dim 0)");
  }
  if (root["sampling"]) {
    SectionReader r(root, "sampling", file);
    SamplingSpec sampling;
    const std::string sampler = r.get<std::string>("sampler");
    sampling.sampler = asPackageError(file, r.key("sampler"), [&] { return diffusion::parseSamplerKind(sampler); });
    const YAML::Node ts = r.node("timesteps");
    if (!ts.IsSequence() || ts.size() == 0) failKey(file, r.key("timesteps"), "must be a non-empty list");
    for (const auto& v : ts) {
      try {
        sampling.timesteps.push_back(v.as<double>());
      } catch (const YAML::Exception&) {
        failKey(file, r.key("timesteps"), "must hold numbers");
      }
    }
    for (size_t i = 1; i < sampling.timesteps.size(); ++i)
      if (!(sampling.timesteps[i] < sampling.timesteps[i - 1]))
        failKey(file, r.key("timesteps"), "must decrease strictly (noisiest first)");
    if (!(sampling.timesteps.back() > 0)) failKey(file, r.key("timesteps"), "must all be > 0");
    if (!spec.schedule.edm && !(sampling.timesteps.front() < spec.schedule.timesteps))
      failKey(file, r.key("timesteps"), "must be below schedule.timesteps (" + std::to_string(spec.schedule.timesteps) + ")");
    sampling.cfg = r.get<double>("cfg");
    if (!(sampling.cfg > 0)) failKey(file, r.key("cfg"), "must be > 0");
    r.rejectUnknown();
    spec.sampling = sampling;
  }
  return spec;
}

YAML::Node diffusionManifest(const std::string& kind, const PackageInfo& info, const torch::nn::Module& module,
                             const DiffusionSpec& spec) {
  YAML::Node m = baseManifest(kind, info, architectureYaml(kind, module));
  m["parameterisation"]["type"] = diffusion::toString(spec.parameterisation);
  m["parameterisation"]["sigma_data"] = spec.sigmaData;
  m["schedule"] = scheduleYaml(spec.schedule);
  YAML::Node latent(YAML::NodeType::Map);
  latent["autoencoder"] = spec.latent.autoencoder;
  latent["channels"] = spec.latent.channels;
  latent["height"] = spec.latent.height;
  latent["width"] = spec.latent.width;
  latent["frames"] = spec.latent.frames;
  m["latent"] = latent;
  if (!spec.textEncoder.empty()) m["conditioning"]["text_encoder"] = spec.textEncoder;
  if (spec.sampling) {
    YAML::Node sampling(YAML::NodeType::Map);
    sampling["sampler"] = diffusion::toString(spec.sampling->sampler);
    YAML::Node ts(YAML::NodeType::Sequence);
    for (double t : spec.sampling->timesteps) ts.push_back(t);
    ts.SetStyle(YAML::EmitterStyle::Flow);
    sampling["timesteps"] = ts;
    sampling["cfg"] = spec.sampling->cfg;
    m["sampling"] = sampling;
  }
  addTraining(m, info);
  return m;
}

// The referenced package must exist and be of `kind`; returns its resolved path.
fs::path checkReference(const fs::path& dir, const std::string& path, const std::string& key, const std::string& kind) {
  const fs::path resolved = dir / path;
  std::error_code ec;
  if (!fs::is_regular_file(resolved / kModelManifestFile, ec))
    failKey(manifestFile(dir), key, "names '" + path + "', which is not a model package (looked in " +
                                        resolved.string() + ")");
  ModelPackage referenced = ModelPackage::open(resolved);
  if (referenced.kind() != kind)
    failKey(manifestFile(dir), key, "names '" + path + "', which is a " + referenced.kind() + " package, expected " + kind);
  return resolved;
}

void checkTokenizerFits(const WordTokenizer& tokenizer, const TextEncoderOptions& o, const std::string& file) {
  if (tokenizer.vocabSize() > o.vocabSize || tokenizer.maxLength() > o.maxLength) {
    failKey(file, "conditioning.tokenizer",
            "has " + std::to_string(tokenizer.vocabSize()) + " tokens and max_length " +
                std::to_string(tokenizer.maxLength()) + ", more than the encoder's vocab_size " +
                std::to_string(o.vocabSize) + " / max_length " + std::to_string(o.maxLength));
  }
}

}  // namespace

// ---- ScheduleSpec -----------------------------------------------------------------

ScheduleSpec ScheduleSpec::ddpm(diffusion::BetaSchedule beta, int timesteps) {
  ScheduleSpec s;
  s.beta = beta;
  s.timesteps = timesteps;
  if (beta == diffusion::BetaSchedule::linear) {
    // Ho et al. 2020; DdpmSchedule::linear's defaults.
    s.betaStart = 1e-4;
    s.betaEnd = 0.02;
  }
  return s;
}

ScheduleSpec ScheduleSpec::karras(double sigmaMin, double sigmaMax, double rho) {
  ScheduleSpec s;
  s.edm = true;
  s.sigmaMin = sigmaMin;
  s.sigmaMax = sigmaMax;
  s.rho = rho;
  return s;
}

diffusion::DdpmSchedule ScheduleSpec::ddpmSchedule() const {
  if (edm) throw ConfigError("an edm schedule has no DDPM betas");
  switch (beta) {
    case diffusion::BetaSchedule::linear: return diffusion::DdpmSchedule::linear(timesteps, betaStart, betaEnd);
    case diffusion::BetaSchedule::scaled_linear:
      return diffusion::DdpmSchedule::scaledLinear(timesteps, betaStart, betaEnd);
    case diffusion::BetaSchedule::cosine: return diffusion::DdpmSchedule::cosine(timesteps, cosineS, maxBeta);
  }
  throw ConfigError("unknown beta schedule");
}

std::vector<diffusion::NoiseLevel> ScheduleSpec::levels(int steps, diffusion::Spacing spacing) const {
  if (edm) return diffusion::edmLevels(diffusion::karrasSigmas(steps, sigmaMin, sigmaMax, rho));
  const diffusion::DdpmSchedule schedule = ddpmSchedule();
  return schedule.levels(schedule.timesteps(steps, spacing));
}

std::vector<diffusion::NoiseLevel> ScheduleSpec::levelsAt(const std::vector<double>& ts) const {
  if (ts.empty()) throw ConfigError("an explicit timestep list must not be empty");
  if (edm) {
    for (double sigma : ts)
      if (!(sigma > 0)) throw ConfigError("explicit EDM sigmas must be > 0, got " + std::to_string(sigma));
    return diffusion::edmLevels(ts);
  }
  return ddpmSchedule().levels(ts);
}

// ---- LoadedDiffusionModel ---------------------------------------------------------

ImageUNetImpl* LoadedDiffusionModel::imageUNet() const {
  return kind == kKindImageUNet ? dynamic_cast<ImageUNetImpl*>(module.get()) : nullptr;
}
VideoUNetImpl* LoadedDiffusionModel::videoUNet() const {
  return kind == kKindVideoUNet ? dynamic_cast<VideoUNetImpl*>(module.get()) : nullptr;
}
I2VUNetImpl* LoadedDiffusionModel::i2vUNet() const {
  return kind == kKindI2VUNet ? dynamic_cast<I2VUNetImpl*>(module.get()) : nullptr;
}
fs::path LoadedDiffusionModel::autoencoderPath() const { return package.dir() / spec.latent.autoencoder; }
fs::path LoadedDiffusionModel::textEncoderPath() const {
  return spec.textEncoder.empty() ? fs::path() : package.dir() / spec.textEncoder;
}
std::vector<int64_t> LoadedDiffusionModel::sampleShape() const {
  const LatentSpec& l = spec.latent;
  if (kind == kKindImageUNet) return {l.channels, l.height, l.width};
  return {l.frames, l.channels, l.height, l.width};
}

// ---- Loaders ------------------------------------------------------------------------

LoadedAutoencoder loadAutoencoder(const fs::path& dir) {
  ModelPackage package = openKind(dir, kKindAutoencoder);
  checkSections(package.manifest(), kKindAutoencoder, {}, manifestFile(dir));
  Autoencoder module(architectureOf<AutoencoderOptions>(package));
  loadWeights(package, *module);
  return {std::move(package), module};
}

LoadedTextEncoder loadTextEncoder(const fs::path& dir) {
  ModelPackage package = openKind(dir, kKindTextEncoder);
  const std::string file = manifestFile(dir);
  checkSections(package.manifest(), kKindTextEncoder, {"conditioning"}, file);
  const TextEncoderOptions options = architectureOf<TextEncoderOptions>(package);
  SectionReader c(package.manifest(), "conditioning", file);
  const YAML::Node tokenizerNode = c.node("tokenizer");
  c.rejectUnknown();
  WordTokenizer tokenizer =
      asPackageError(file, "conditioning.tokenizer", [&] { return WordTokenizer::fromYaml(tokenizerNode); });
  checkTokenizerFits(tokenizer, options, file);
  TextEncoder module(options);
  loadWeights(package, *module);
  return {std::move(package), module, std::move(tokenizer)};
}

LoadedEvalNet loadEvalNet(const fs::path& dir) {
  ModelPackage package = openKind(dir, kKindEvalNet);
  checkSections(package.manifest(), kKindEvalNet, {}, manifestFile(dir));
  EvalNet module(architectureOf<EvalNetOptions>(package));
  loadWeights(package, *module);
  return {std::move(package), module};
}

LoadedDiffusionModel loadDiffusionModel(const fs::path& dir) {
  ModelPackage package = ModelPackage::open(dir);
  const std::string file = manifestFile(dir);
  const std::string kind = package.kind();
  if (kind != kKindImageUNet && kind != kKindVideoUNet && kind != kKindI2VUNet)
    failKey(file, "kind", "is '" + kind + "', expected image_unet, video_unet or i2v_unet");
  auto module = asPackageError(file, "architecture", [&] { return buildModel(kind, package.section("architecture")); });
  DiffusionSpec spec = readDiffusionSpec(package.manifest(), kind, *module, file);
  checkReference(dir, spec.latent.autoencoder, "latent.autoencoder", kKindAutoencoder);
  if (!spec.textEncoder.empty()) checkReference(dir, spec.textEncoder, "conditioning.text_encoder", kKindTextEncoder);
  loadWeights(package, *module);
  return {std::move(package), kind, std::move(module), std::move(spec)};
}

// ---- Writers ------------------------------------------------------------------------

void saveAutoencoder(const fs::path& dir, const PackageInfo& info, const Autoencoder& module) {
  YAML::Node m = baseManifest(kKindAutoencoder, info, module->options().toYaml());
  addTraining(m, info);
  ModelPackage::save(dir, m, *module);
}

void saveTextEncoder(const fs::path& dir, const PackageInfo& info, const TextEncoder& module,
                     const WordTokenizer& tokenizer) {
  checkTokenizerFits(tokenizer, module->options(), manifestFile(dir));
  YAML::Node m = baseManifest(kKindTextEncoder, info, module->options().toYaml());
  m["conditioning"]["tokenizer"] = tokenizer.toYaml();
  addTraining(m, info);
  ModelPackage::save(dir, m, *module);
}

void saveEvalNet(const fs::path& dir, const PackageInfo& info, const EvalNet& module) {
  YAML::Node m = baseManifest(kKindEvalNet, info, module->options().toYaml());
  addTraining(m, info);
  ModelPackage::save(dir, m, *module);
}

void saveDiffusionModel(const fs::path& dir, const PackageInfo& info, const std::string& kind,
                        const torch::nn::Module& module, const DiffusionSpec& spec) {
  const std::string file = manifestFile(dir);
  unetFacts(kind, module, file);  // the module must be of `kind` before its architecture is read
  const YAML::Node manifest = diffusionManifest(kind, info, module, spec);
  readDiffusionSpec(manifest, kind, module, file);  // what the loader will accept, checked now
  ModelPackage::save(dir, manifest, module);
}

// ---- Denoiser -----------------------------------------------------------------------

diffusion::Denoiser makeDenoiser(const LoadedDiffusionModel& model) {
  diffusion::NetworkFn net;
  if (model.kind == kKindImageUNet) {
    auto unet = std::dynamic_pointer_cast<ImageUNetImpl>(model.module);
    net = [unet](const torch::Tensor& x, const torch::Tensor& t, const diffusion::Conditioning& cond) {
      return unet->forward(x, t, cond.context);
    };
  } else if (model.kind == kKindVideoUNet) {
    auto unet = std::dynamic_pointer_cast<VideoUNetImpl>(model.module);
    net = [unet](const torch::Tensor& x, const torch::Tensor& t, const diffusion::Conditioning& cond) {
      return unet->forward(x, t, cond.context);
    };
  } else if (model.kind == kKindI2VUNet) {
    auto unet = std::dynamic_pointer_cast<I2VUNetImpl>(model.module);
    const std::string dir = model.package.dir().string();
    net = [unet, dir](const torch::Tensor& x, const torch::Tensor& cNoise, const diffusion::Conditioning& cond) {
      if (!cond.image.defined())
        throw Error("i2v model '" + dir + "' needs the first-frame latent in Conditioning::image");
      return unet->forward(x, cNoise, cond.image, cond.context);
    };
  } else {
    throw ModelPackageError(manifestFile(model.package.dir()) + ": key 'kind' is '" + model.kind +
                            "', which is not a diffusion model");
  }
  return diffusion::Denoiser(std::move(net), model.spec.parameterisation, model.spec.sigmaData);
}

}  // namespace vds
