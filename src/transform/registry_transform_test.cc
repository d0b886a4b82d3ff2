// Transforms on ProtobufConverter / JsonSchemaConverter records: the chain decodes them with
// schema/registry_converter.h (schema lookups from tests/columnar/fake_registry.py, the local
// Schema Registry responder — no real registry can run here: it is a JVM service) and
// hands the writers a SchemaDatum, as for AvroConverter (avro_transform_test.cc).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/strings.h"
#include "format/format_options.h"
#include "format/output_stream.h"
#include "format/reader/columnar_json.h"
#include "format/registry_responder_test.h"
#include "transform/transform_chain.h"

namespace tributary {
namespace {

const std::filesystem::path kSourceDir = TRIBUTARY_SOURCE_DIR;

TEST(RegistryTransformTest, JsonSchemaRecordsAreTransformedWithTheirSchema) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("tributary-registry-transform-" + RandomHex(8));
  std::filesystem::create_directories(dir);
  const std::string schemas = (dir / "schemas.json").string();
  {
    std::ofstream f(schemas);
    f << R"({"5": {"subject": "payments-value", "schemaType": "JSON", "schemaText":
      "{\"title\":\"shop.Payment\",\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"card\":{\"type\":\"string\"},\"amount\":{\"type\":\"number\"}},\"required\":[\"id\",\"card\",\"amount\"]}"}})";
  }
  testing_records::RegistryResponder registry;
  ASSERT_TRUE(registry.Start(kSourceDir, schemas));
  std::map<std::string, std::string> config = {
      {"value.converter", "io.confluent.connect.json.JsonSchemaConverter"},
      {"value.converter.schema.registry.url", registry.url()},
      {"transforms", "drop,offset"},
      {"transforms.drop.type", "org.apache.kafka.connect.transforms.ReplaceField$Value"},
      {"transforms.drop.exclude", "card"},
      {"transforms.offset.type", "org.apache.kafka.connect.transforms.InsertField$Value"},
      {"transforms.offset.offset.field", "kafka_offset"}};
  auto options = TransformChainOptions::FromConfig(config);
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  auto chain = TransformChain::Create(config, *options);
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();

  const std::string value =
      std::string("\0\0\0\0\x05", 5) + R"({"id":7,"card":"4111-1111","amount":9.5})";
  Record in;
  in.topic = "payments";
  in.partition = Partition(0);
  in.offset = Offset(41);
  in.value = value;
  auto out = (*chain)->Transform(in);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_TRUE(out->has_value());
  ASSERT_NE((*out)->value_datum, nullptr);
  const SchemaDatum& d = *(*out)->value_datum;
  std::string json;
  reader::AppendValueJson(*d.schema, d.value, &json);
  EXPECT_EQ(json, R"({"id":7,"amount":9.5,"kafka_offset":41})");

  // JsonFormat writes the transformed value, not the record's original bytes.
  FormatOptions jsonl;
  jsonl.kind = FormatKind::kJson;
  jsonl.registry = options->value.registry;
  auto format = MakeFormat(jsonl);
  ASSERT_TRUE(format.ok()) << format.status().ToString();
  StringOutputStream lines;
  auto writer = (*format)->NewWriter(&lines);
  ASSERT_TRUE(writer->Write((*out)->View()).ok());
  ASSERT_TRUE(writer->Close().ok());
  EXPECT_EQ(lines.buffer(), json + "\n");

  // A value that is not in the wire format is a record error naming the converter.
  in.value = R"({"id":8})";
  auto bad = (*chain)->Transform(in);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("JsonSchemaConverter"), std::string::npos)
      << bad.status().message();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tributary
