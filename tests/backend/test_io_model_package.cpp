// Model packages: save/open/loadInto round trips, strict matching of tensors to a
// module, and clear errors for malformed model.yaml files.
#include "core/errors.h"
#include "io/model_package.h"
#include "io/safetensors.h"
#include "support/test_support.h"

namespace fs = std::filesystem;

namespace {

torch::nn::Sequential tinyModule() {
  return torch::nn::Sequential(torch::nn::Linear(3, 4), torch::nn::BatchNorm1d(4), torch::nn::Linear(4, 2));
}

// A module whose every parameter and buffer holds a distinctive value.
torch::nn::Sequential filledModule(double offset) {
  auto module = tinyModule();
  torch::NoGradGuard noGrad;
  double value = offset;
  for (auto& [name, tensor] : vds::namedState(*module)) {
    (void)name;
    tensor.copy_(torch::arange(tensor.numel()).reshape(tensor.sizes()) + value);
    value += 100;
  }
  return module;
}

YAML::Node tinyManifest() {
  return YAML::Load(
      "kind: student\nname: tiny\ndescription: a test model\narchitecture: {hidden: 4}\n"
      "training: {steps: 10, method: osv}\n");
}

const std::string kValidYaml =
    "format: vdstudio-model/1\nkind: student\nname: tiny\narchitecture: {}\nweights: [model.safetensors]\n";

// A package folder holding `yaml` as model.yaml and an (empty) model.safetensors.
fs::path writePackage(const vds::test::TempDir& dir, const std::string& yaml) {
  const fs::path pkg = dir / "pkg";
  fs::create_directories(pkg);
  vds::test::writeBytes(pkg / "model.yaml", yaml);
  vds::safetensors::save(pkg / "model.safetensors", {});
  return pkg;
}

void expectStateEqual(const torch::nn::Module& a, const torch::nn::Module& b) {
  const auto sa = vds::namedState(a), sb = vds::namedState(b);
  QCOMPARE(sa.size(), sb.size());
  for (const auto& [name, tensor] : sa) QVERIFY2(torch::equal(tensor, sb.at(name)), name.c_str());
}

}  // namespace

class ModelPackageTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void namedStateHasParametersAndBuffers() {
    const auto names = vds::namedState(*tinyModule());
    std::vector<std::string> keys;
    for (const auto& [name, tensor] : names) keys.push_back(name);
    QVERIFY(keys == std::vector<std::string>({"0.bias", "0.weight", "1.bias", "1.num_batches_tracked", "1.running_mean",
                                              "1.running_var", "1.weight", "2.bias", "2.weight"}));
  }

  void saveOpenLoadIntoRoundTrip() {
    vds::test::TempDir dir;
    const auto source = filledModule(1.5);
    vds::ModelPackage::save(dir / "pkg", tinyManifest(), *source);
    QVERIFY(fs::is_directory(dir / "pkg"));
    QCOMPARE(std::distance(fs::directory_iterator(dir.path()), {}), std::ptrdiff_t(1));  // no staging left

    const auto package = vds::ModelPackage::open(dir / "pkg");
    QCOMPARE(package.kind(), std::string("student"));
    QCOMPARE(package.name(), std::string("tiny"));
    QCOMPARE(package.manifest()["format"].as<std::string>(), std::string("vdstudio-model/1"));
    QCOMPARE(package.manifest()["description"].as<std::string>(), std::string("a test model"));
    QCOMPARE(package.section("architecture")["hidden"].as<int>(), 4);
    QCOMPARE(package.section("training")["method"].as<std::string>(), std::string("osv"));
    QVERIFY(!package.section("schedule"));
    QVERIFY(!package.section("schedule").IsDefined());
    QVERIFY(package.weightFiles() == std::vector<std::string>({"model.safetensors"}));

    auto fresh = tinyModule();
    package.loadInto(*fresh);
    expectStateEqual(*fresh, *source);
    // namedState is name-ordered: 0.bias took offset 1.5, 0.weight 101.5; element [1][2] is arange index 5.
    QCOMPARE(vds::namedState(*fresh).at("0.weight")[1][2].item<double>(), 101.5 + 5);
    QVERIFY(vds::namedState(*fresh).at("0.weight").requires_grad());
  }

  void savingAgainReplacesThePackage() {
    vds::test::TempDir dir;
    vds::ModelPackage::save(dir / "pkg", tinyManifest(), *filledModule(1), "first.safetensors");
    vds::ModelPackage::save(dir / "pkg", tinyManifest(), *filledModule(2));
    QCOMPARE(std::distance(fs::directory_iterator(dir.path()), {}), std::ptrdiff_t(1));
    QVERIFY(!fs::exists(dir / "pkg" / "first.safetensors"));
    auto fresh = tinyModule();
    vds::ModelPackage::open(dir / "pkg").loadInto(*fresh);
    expectStateEqual(*fresh, *filledModule(2));
  }

  void valuesAreConvertedToTheParameterDtype() {
    vds::test::TempDir dir;
    auto state = vds::namedState(*filledModule(0.25));
    for (auto& [name, tensor] : state) {
      if (tensor.is_floating_point()) tensor = tensor.to(torch::kDouble);
    }
    vds::ModelPackage::save(dir / "pkg", tinyManifest(), state);
    auto fresh = tinyModule();
    vds::ModelPackage::open(dir / "pkg").loadInto(*fresh);
    QCOMPARE(vds::namedState(*fresh).at("2.bias").scalar_type(), torch::kFloat);
    expectStateEqual(*fresh, *filledModule(0.25));
  }

  void mismatchedTensorsAreNamed_data() {
    QTest::addColumn<QString>("change");
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing") << "drop 0.bias"
                             << "1 missing tensor(s): 0.bias";
    QTest::newRow("unexpected") << "add extra.weight"
                                << "1 unexpected tensor(s): extra.weight";
    QTest::newRow("wrong shape") << "reshape 2.weight"
                                 << "2.weight (package [4, 2] vs module [2, 4])";
  }

  void mismatchedTensorsAreNamed() {
    QFETCH(QString, change);
    QFETCH(QString, expected);
    vds::test::TempDir dir;
    auto state = vds::namedState(*filledModule(0));
    if (change.startsWith("drop")) state.erase("0.bias");
    if (change.startsWith("add")) state["extra.weight"] = torch::zeros({2});
    if (change.startsWith("reshape")) state["2.weight"] = torch::zeros({4, 2});
    vds::ModelPackage::save(dir / "pkg", tinyManifest(), state);

    auto fresh = tinyModule();
    const auto before = vds::namedState(*fresh).at("0.weight").clone();
    VDS_EXPECT_THROW_MSG(vds::ModelPackage::open(dir / "pkg").loadInto(*fresh), vds::ModelPackageError,
                         expected.toStdString().c_str());
    VDS_EXPECT_THROW_MSG(vds::ModelPackage::open(dir / "pkg").loadInto(*fresh), vds::ModelPackageError,
                         (dir / "pkg").string().c_str());
    QVERIFY(torch::equal(vds::namedState(*fresh).at("0.weight"), before));  // untouched on failure
  }

  void manyMissingTensorsAreSummarised() {
    vds::test::TempDir dir;
    vds::ModelPackage::save(dir / "pkg", tinyManifest(), std::map<std::string, torch::Tensor>{});
    auto fresh = tinyModule();
    VDS_EXPECT_THROW_MSG(
        vds::ModelPackage::open(dir / "pkg").loadInto(*fresh), vds::ModelPackageError,
        "9 missing tensor(s): 0.bias, 0.weight, 1.bias, 1.num_batches_tracked, 1.running_mean and 4 more");
  }

  void tensorsMaySpanSeveralFiles() {
    vds::test::TempDir dir;
    const auto pkg = writePackage(dir,
                                  "format: vdstudio-model/1\nkind: student\nname: split\narchitecture: {}\n"
                                  "weights: [a.safetensors, b.safetensors]\n");
    auto state = vds::namedState(*filledModule(3));
    std::map<std::string, torch::Tensor> first, second;
    for (const auto& [name, tensor] : state) (name[0] == '0' ? first : second)[name] = tensor;
    vds::safetensors::save(pkg / "a.safetensors", first);
    vds::safetensors::save(pkg / "b.safetensors", second);
    auto fresh = tinyModule();
    vds::ModelPackage::open(pkg).loadInto(*fresh);
    expectStateEqual(*fresh, *filledModule(3));

    // The same name in both files is ambiguous.
    second["0.bias"] = first["0.bias"];
    vds::safetensors::save(pkg / "b.safetensors", second);
    const auto package = vds::ModelPackage::open(pkg);
    VDS_EXPECT_THROW_MSG(package.loadTensors(), vds::ModelPackageError,
                         "tensor '0.bias' is in both 'a.safetensors' and 'b.safetensors'");
  }

  void malformedManifestsFailClearly_data() {
    QTest::addColumn<QString>("yaml");
    QTest::addColumn<QString>("expected");
    QTest::newRow("valid control") << QString::fromStdString(kValidYaml) << "";
    QTest::newRow("syntax") << "format: vdstudio-model/1\nkind: student\nname: [unclosed\narchitecture: {}\n"
                            << "YAML syntax error at line ";
    QTest::newRow("bad indentation") << "format: vdstudio-model/1\nkind: student\n  name: x\n"
                                     << "YAML syntax error at line 3";
    QTest::newRow("missing kind")
        << "format: vdstudio-model/1\nname: tiny\narchitecture: {}\nweights: [model.safetensors]\n"
        << "key 'kind' is missing";
    QTest::newRow("empty kind")
        << "format: vdstudio-model/1\nkind:\nname: tiny\narchitecture: {}\nweights: [model.safetensors]\n"
        << "key 'kind' must be a non-empty string";
    QTest::newRow("wrong format")
        << "format: vdstudio-model/2\nkind: student\nname: t\narchitecture: {}\nweights: [model.safetensors]\n"
        << "key 'format' is 'vdstudio-model/2', expected 'vdstudio-model/1'";
    QTest::newRow("missing format") << "kind: student\nname: t\narchitecture: {}\nweights: [model.safetensors]\n"
                                    << "key 'format' is missing";
    QTest::newRow("unknown key") << QString::fromStdString(kValidYaml) + "archtecture: {}\n"
                                 << "key 'archtecture' is not a model.yaml key";
    QTest::newRow("architecture not map")
        << "format: vdstudio-model/1\nkind: s\nname: t\narchitecture: 3\nweights: [model.safetensors]\n"
        << "key 'architecture' must be a mapping";
    QTest::newRow("schedule not map") << QString::fromStdString(kValidYaml) + "schedule: [1]\n"
                                      << "key 'schedule' must be a mapping";
    QTest::newRow("no weights") << "format: vdstudio-model/1\nkind: s\nname: t\narchitecture: {}\nweights: []\n"
                                << "key 'weights' must be a non-empty list";
    QTest::newRow("weight outside package")
        << "format: vdstudio-model/1\nkind: s\nname: t\narchitecture: {}\nweights: [../x.safetensors]\n"
        << "entry '../x.safetensors' must be a plain file name";
    QTest::newRow("absent weight file")
        << "format: vdstudio-model/1\nkind: s\nname: t\narchitecture: {}\nweights: [gone.safetensors]\n"
        << "names 'gone.safetensors'";
    QTest::newRow("not a mapping") << "- just\n- a list\n"
                                   << "expected a YAML mapping";
  }

  void malformedManifestsFailClearly() {
    QFETCH(QString, yaml);
    QFETCH(QString, expected);
    vds::test::TempDir dir;
    const auto pkg = writePackage(dir, yaml.toStdString());
    if (expected.isEmpty()) {
      QCOMPARE(vds::ModelPackage::open(pkg).kind(), std::string("student"));
      return;
    }
    try {
      vds::ModelPackage::open(pkg);
      QFAIL("expected vds::ModelPackageError");
    } catch (const vds::ModelPackageError& e) {
      const QString message = QString::fromStdString(e.what());
      QVERIFY2(message.contains(QString::fromStdString((pkg / "model.yaml").string())), qPrintable(message));
      QVERIFY2(message.contains(expected), qPrintable(message + " lacks " + expected));
    }
  }

  void folderWithoutManifestIsRejected() {
    vds::test::TempDir dir;
    VDS_EXPECT_THROW_MSG(vds::ModelPackage::open(dir.path()), vds::ModelPackageError, dir.path().string().c_str());
  }

  void saveRejectsAnInvalidManifest() {
    vds::test::TempDir dir;
    VDS_EXPECT_THROW_MSG(vds::ModelPackage::save(dir / "pkg", YAML::Load("name: x\narchitecture: {}"), *tinyModule()),
                         vds::ModelPackageError, "key 'kind' is missing");
    VDS_EXPECT_THROW_MSG(vds::ModelPackage::save(dir / "pkg", YAML::Load("[1, 2]"), *tinyModule()),
                         vds::ModelPackageError, "expected a YAML mapping");
    VDS_EXPECT_THROW_MSG(vds::ModelPackage::save(dir / "pkg", tinyManifest(), *tinyModule(), "weights.bin"),
                         vds::ModelPackageError, "weights.bin");
    QVERIFY(fs::is_empty(dir.path()));
  }
};

QTEST_GUILESS_MAIN(ModelPackageTest)
#include "test_io_model_package.moc"
