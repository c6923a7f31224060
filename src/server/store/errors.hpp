#pragma once

#include <string>

#include <boost/system/result.hpp>

namespace parley::store {

enum class Errc { not_found, conflict, failed };

struct Error {
  Errc code = Errc::failed;
  std::string message;
};

[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

template <class T>
using Result = boost::system::result<T, Error>;

}  // namespace parley::store
