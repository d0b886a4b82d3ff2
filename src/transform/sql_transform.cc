#include "transform/transform.h"

namespace tributary {

Result<std::unique_ptr<Transform>> MakeSqlTransform(const TransformProps& props) {
  return InvalidArgument("{}: the SQL transform is not available yet", props.Key("type"));
}

}  // namespace tributary
