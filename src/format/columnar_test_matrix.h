// The type matrix both columnar writers are tested with: every primitive and logical type,
// optional and required, nested records, lists of records (with lists inside), maps, nulls
// at each level. Only for *_test.cc.
#pragma once

#include <string>
#include <vector>

namespace tributary::testing_records {

inline constexpr const char* kMatrixSchema =
    R"({"type":"record","name":"Order","namespace":"shop","fields":[
  {"name":"id","type":"long"},
  {"name":"ok","type":"boolean"},
  {"name":"qty","type":["null","int"]},
  {"name":"f","type":"float"},
  {"name":"d","type":["double","null"]},
  {"name":"raw","type":"bytes"},
  {"name":"name","type":"string"},
  {"name":"day","type":{"type":"int","logicalType":"date"}},
  {"name":"tm","type":{"type":"int","logicalType":"time-millis"}},
  {"name":"tu","type":{"type":"long","logicalType":"time-micros"}},
  {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
  {"name":"tsu","type":["null",{"type":"long","logicalType":"timestamp-micros"}]},
  {"name":"lts","type":{"type":"long","logicalType":"local-timestamp-millis"}},
  {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
  {"name":"small","type":{"type":"bytes","logicalType":"decimal","precision":5,"scale":1}},
  {"name":"big","type":{"type":"fixed","name":"Big","size":16,"logicalType":"decimal","precision":38,"scale":4}},
  {"name":"uid","type":{"type":"string","logicalType":"uuid"}},
  {"name":"color","type":{"type":"enum","name":"Color","symbols":["RED","GREEN"]}},
  {"name":"tags","type":["null",{"type":"array","items":["null","string"]}]},
  {"name":"attrs","type":["null",{"type":"map","values":["null","long"]}]},
  {"name":"addr","type":["null",{"type":"record","name":"Addr","fields":[
     {"name":"city","type":"string"},{"name":"zip","type":["null","int"]}]}]},
  {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[
     {"name":"sku","type":"string"},{"name":"n","type":"int"},
     {"name":"opts","type":{"type":"array","items":"int"}}]}}}
]})";

inline const std::vector<std::string> kMatrixValues = {
    R"({"id":1,"ok":true,"qty":5,"f":1.5,"d":2.25,"raw":"AAEC","name":"héllo \"q\"",
        "day":"2024-02-29","tm":"01:02:03.004","tu":3723000005,"ts":"2024-02-29T12:00:00.5+01:00",
        "tsu":1,"lts":"2024-01-02T03:04:05.006","price":"-12.3","small":"-1234.5",
        "big":"12345678901234567890123456789.0123",
        "uid":"123e4567-e89b-12d3-a456-426614174000","color":"GREEN","tags":["a",null,"b"],
        "attrs":{"k":1,"n":null},"addr":{"city":"Oslo","zip":150},
        "lines":[{"sku":"x","n":1,"opts":[1,2]},{"sku":"y","n":2,"opts":[]}]})",
    R"({"id":-2,"ok":false,"qty":null,"f":-0.25,"d":null,"raw":"","name":"",
        "day":0,"tm":0,"tu":0,"ts":-1,"tsu":null,"lts":0,"price":0,"small":0,"big":"-1",
        "uid":"00000000-0000-0000-0000-000000000000","color":"RED","tags":[],
        "attrs":{},"addr":{"city":"x","zip":null},"lines":[]})",
    R"({"id":9007199254740993,"ok":true,"f":3,"raw":"/w==","name":"z","day":-1,"tm":86399999,
        "tu":1,"ts":0,"lts":1,"price":99999999.99,"small":9999.9,
        "big":"-99999999999999999999999999999999.9999",
        "uid":"ffffffff-ffff-ffff-ffff-ffffffffffff","color":"RED","tags":null,
        "addr":null,"lines":[{"sku":"","n":-2147483648,"opts":[7]}]})",
};

}  // namespace tributary::testing_records
