# Writes a C++ source that returns the bytes of a text file as a std::string_view.
#   cmake -DINPUT=file.tsv -DOUTPUT=file.cpp -DHEADER=registry/iana_data.h
#         -DNAMESPACE=portlens::registry -DFUNCTION=ianaTcpTsv -P embed_text.cmake
# A raw string literal keeps the generated file readable and compiles instantly (a hex array
# of a few hundred kilobytes takes g++ seconds); the delimiter is checked so data can never
# close the literal early.
foreach(var INPUT OUTPUT HEADER NAMESPACE FUNCTION)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "embed_text.cmake: ${var} is not set")
  endif()
endforeach()

set(delimiter "portlens_embed")
file(READ "${INPUT}" content)
string(FIND "${content}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "embed_text.cmake: ${INPUT} contains the raw-string delimiter")
endif()

set(generated "// Generated from ${INPUT} by embed_text.cmake; do not edit.
#include \"${HEADER}\"

namespace ${NAMESPACE} {

std::string_view ${FUNCTION}() {
  static constexpr char kText[] = R\"${delimiter}(${content})${delimiter}\";
  return {kText, sizeof(kText) - 1};
}

}  // namespace ${NAMESPACE}
")

include(${CMAKE_CURRENT_LIST_DIR}/../../cmake/write_if_changed.cmake)
portlens_write_if_changed("${OUTPUT}" "${generated}")
