# Writes the bytes of INPUT as a C array into OUTPUT: core.wasm for engines that load it at run time.
file(READ "${INPUT}" content HEX)
string(LENGTH "${content}" hex_len)
math(EXPR byte_len "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${content}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n    " bytes "${bytes}")
file(WRITE "${OUTPUT}" "/* Generated from ${INPUT} by embed_bytes.cmake. */\n#include <stddef.h>\n\nconst unsigned char hb_core_wasm[] = {\n    ${bytes}\n};\nconst size_t hb_core_wasm_len = ${byte_len};\n")
