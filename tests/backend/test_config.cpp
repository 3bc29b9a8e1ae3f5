// Run configs: defaults, validation messages (key and line), suggestions, round trips.
#include "core/config.h"
#include "core/errors.h"
#include "support/test_support.h"
#include "train/run_schema.h"

using vds::ConfigError;

class ConfigTest : public QObject {
  Q_OBJECT
 private:
  vds::ConfigSchema schema_ = vds::baseRunSchema({"avdm2", "osv", "mcm", "sfv", "lcm", "teacher"});

 private Q_SLOTS:
  void editDistanceKnownValues() {
    QCOMPARE(vds::editDistance("kitten", "sitting"), size_t(3));
    QCOMPARE(vds::editDistance("", "abc"), size_t(3));
    QCOMPARE(vds::editDistance("steps", "steps"), size_t(0));
    QCOMPARE(vds::editDistance("stpes", "steps"), size_t(2));
  }

  void defaultsResolveAndAreTyped() {
    const vds::Config c = schema_.defaults();
    QCOMPARE(c.get<int>("trainer.steps"), 2000);
    QCOMPARE(c.get<double>("trainer.ema_decay"), 0.0);
    QCOMPARE(c.get<std::string>("method.name"), std::string("avdm2"));
    QCOMPARE(c.get<std::string>("run.device"), std::string("auto"));
  }

  void userValuesOverrideDefaults() {
    const vds::Config c = schema_.parse("trainer:\n  steps: 17\nmethod:\n  name: mcm\n", "run.yaml");
    QCOMPARE(c.get<int>("trainer.steps"), 17);
    QCOMPARE(c.get<std::string>("method.name"), std::string("mcm"));
    QCOMPARE(c.get<int>("data.frames"), 8);  // untouched default
  }

  void dumpRoundTripsExactly() {
    vds::Config c = schema_.parse("trainer:\n  steps: 42\n  grad_clip: 0.5\nrun:\n  seed: 9\n", "a.yaml");
    const std::string text = c.dump(true);
    QVERIFY(text.find("# Generator iterations") != std::string::npos);  // help comments present
    const vds::Config again = schema_.parse(text, "dumped.yaml");
    QCOMPARE(again.dump(), c.dump());
    QCOMPARE(again.get<double>("trainer.grad_clip"), 0.5);
    QCOMPARE(again.get<int>("run.seed"), 9);
  }

  // Doubles set from code are dumped in their shortest exact form, and read back equal.
  void dumpWritesNumbersShortAndExact() {
    vds::Config c = schema_.defaults();
    c.set("trainer.ema_decay", 0.1);
    c.set("trainer.grad_clip", 1.0 / 3.0);
    c.set("run.seed", 123456789012345678);
    const std::string text = c.dump();
    QVERIFY2(text.find("ema_decay: 0.1\n") != std::string::npos, text.c_str());
    QVERIFY(text.find("0.10000000000000001") == std::string::npos);
    const vds::Config again = schema_.parse(text, "dumped.yaml");
    QCOMPARE(again.get<double>("trainer.ema_decay"), 0.1);
    QCOMPARE(again.get<double>("trainer.grad_clip"), 1.0 / 3.0);  // bit for bit
    QCOMPARE(again.get<int64_t>("run.seed"), int64_t{123456789012345678});
  }

  void shortestNumbersKeepsTextIntegersAndQuotes() {
    YAML::Node n = YAML::Load("quoted: '0.10000000000000001'\nword: a red circle\nint: 12345678901234567890\n"
                              "short: 0.25\nlist: [0.29999999999999999, 2.0000000000000000, 1.0000000000000001e-05]\n");
    n["made"] = 0.00085;
    const YAML::Node out = vds::withShortestNumbers(n);
    QCOMPARE(out["quoted"].as<std::string>(), std::string("0.10000000000000001"));
    QCOMPARE(out["word"].as<std::string>(), std::string("a red circle"));
    QCOMPARE(out["int"].as<std::string>(), std::string("12345678901234567890"));
    QCOMPARE(out["short"].as<std::string>(), std::string("0.25"));
    QCOMPARE(out["list"][0].as<std::string>(), std::string("0.3"));
    QCOMPARE(out["list"][1].as<std::string>(), std::string("2.0"));  // still a float to a reader
    QCOMPARE(out["list"][2].as<std::string>(), std::string("1e-05"));
    QCOMPARE(out["list"][2].as<double>(), 1.0000000000000001e-05);
    QCOMPARE(out["made"].as<std::string>(), std::string("0.00085"));
    QCOMPARE(out["made"].as<double>(), 0.00085);
    QCOMPARE(n["made"].as<std::string>(), std::string("0.00084999999999999995"));  // the input is untouched
  }

  void unknownKeyNamesLineAndSuggests() {
    VDS_EXPECT_THROW_MSG(schema_.parse("run:\n  seed: 1\ntrainer:\n  stpes: 10\n", "run.yaml"), ConfigError,
                         "run.yaml:4: unknown key 'trainer.stpes'; did you mean 'trainer.steps'?");
  }

  void misplacedKeySuggestsItsSection() {
    VDS_EXPECT_THROW_MSG(schema_.parse("steps: 10\n", "run.yaml"), ConfigError, "did you mean 'trainer.steps'?");
  }

  void farOffKeyHasNoSuggestion() {
    try {
      schema_.parse("zzzzzzzzzzzz: 1\n", "run.yaml");
      QFAIL("expected ConfigError");
    } catch (const ConfigError& e) {
      QVERIFY(std::string(e.what()).find("did you mean") == std::string::npos);
      QVERIFY(std::string(e.what()).find("run.yaml:1") != std::string::npos);
    }
  }

  void wrongTypesNameKeyAndLine() {
    VDS_EXPECT_THROW_MSG(schema_.parse("trainer:\n  steps: ten\n", "r.yaml"), ConfigError,
                         "r.yaml:2: 'trainer.steps' expects an integer, got 'ten'");
    VDS_EXPECT_THROW_MSG(schema_.parse("trainer:\n  steps: 1.5\n", "r.yaml"), ConfigError, "expects an integer");
    VDS_EXPECT_THROW_MSG(schema_.parse("trainer:\n  grad_clip: .nan\n", "r.yaml"), ConfigError, "finite number");
    VDS_EXPECT_THROW_MSG(schema_.parse("trainer: 5\n", "r.yaml"), ConfigError, "'trainer' is a section");
    VDS_EXPECT_THROW_MSG(schema_.parse("trainer:\n  steps: [1, 2]\n", "r.yaml"), ConfigError, "got a list");
  }

  void rangesAndChoicesAreEnforced() {
    VDS_EXPECT_THROW_MSG(schema_.parse("trainer:\n  ema_decay: 1.5\n", "r.yaml"), ConfigError,
                         "r.yaml:2: 'trainer.ema_decay' = 1.5 is above the maximum 0.9999");
    VDS_EXPECT_THROW_MSG(schema_.parse("trainer:\n  steps: 0\n", "r.yaml"), ConfigError, "below the minimum 1");
    VDS_EXPECT_THROW_MSG(schema_.parse("method:\n  name: dmd9\n", "r.yaml"), ConfigError,
                         "'method.name' = 'dmd9' is not one of: avdm2, osv, mcm, sfv, lcm, teacher");
    VDS_EXPECT_THROW_MSG(schema_.parse("run:\n  device: tpu\n", "r.yaml"), ConfigError, "device 'tpu'");
  }

  void syntaxErrorNamesLine() {
    VDS_EXPECT_THROW_MSG(schema_.parse("run:\n  seed: 1\ntrainer: [1, 2\n", "broken.yaml"), ConfigError,
                         "YAML syntax error");
    try {
      schema_.parse("run:\n  seed: 1\n bad indent: [\n", "broken.yaml");
      QFAIL("expected ConfigError");
    } catch (const ConfigError& e) {
      QVERIFY2(std::string(e.what()).rfind("broken.yaml:", 0) == 0, e.what());
    }
  }

  void duplicateKeysAreRejected() {
    VDS_EXPECT_THROW_MSG(schema_.parse("trainer:\n  steps: 1\n  steps: 2\n", "d.yaml"), ConfigError, "given twice");
  }

  void requiredFieldsAndLists() {
    vds::ConfigSchema s;
    vds::FieldSpec steps;
    steps.path = "student.steps";
    steps.type = vds::FieldType::IntList;
    steps.min = 1;
    steps.help = "timesteps";
    s.add(steps);
    VDS_EXPECT_THROW_MSG(s.parse("{}", "x.yaml"), ConfigError, "required setting 'student.steps' is missing");
    const vds::Config c = s.parse("student:\n  steps: [999, 749, 499]\n", "x.yaml");
    QCOMPARE(c.get<std::vector<int>>("student.steps"), (std::vector<int>{999, 749, 499}));
    VDS_EXPECT_THROW_MSG(s.parse("student:\n  steps: [3, 0]\n", "x.yaml"), ConfigError, "below the minimum 1");
  }

  void setValidates() {
    vds::Config c = schema_.defaults();
    c.set("trainer.steps", 5);
    QCOMPARE(c.get<int>("trainer.steps"), 5);
    VDS_EXPECT_THROW_MSG(c.set("trainer.steps", -5), ConfigError, "below the minimum");
    VDS_EXPECT_THROW_MSG(c.set("trainer.stepz", 5), ConfigError, "did you mean 'trainer.steps'");
  }

  void configOutlivesItsSchema() {
    vds::Config c;
    {
      const vds::ConfigSchema temporary = vds::baseRunSchema({"avdm2", "osv", "mcm", "sfv", "lcm", "teacher"});
      c = temporary.defaults();
    }
    QCOMPARE(c.get<int>("data.size"), 32);
    QVERIFY(c.schema().find("data.size") != nullptr);
  }

  void loadMissingFileNamesIt() {
    VDS_EXPECT_THROW_MSG(schema_.load("/nonexistent/run.yaml"), ConfigError, "/nonexistent/run.yaml");
  }
};

QTEST_GUILESS_MAIN(ConfigTest)
#include "test_config.moc"
