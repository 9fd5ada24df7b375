# cJSON from Debian's cjson source package (unpacked by `make target-deps`; none of it is in this
# repository). The runner parses the vector files with it, as the Linux tests do.
set(CJSON_SOURCE_DIR "${TARGET_DEPS_DIR}/cJSON-1.7.15")
if(NOT EXISTS "${CJSON_SOURCE_DIR}/cJSON.c")
    message(FATAL_ERROR "cJSON's source is not in ${TARGET_DEPS_DIR}; run `make target-deps`")
endif()

add_library(hb_cjson STATIC "${CJSON_SOURCE_DIR}/cJSON.c")
target_include_directories(hb_cjson PUBLIC "${CJSON_SOURCE_DIR}")
target_compile_options(hb_cjson PRIVATE -w)
# cJSON parses numbers with strtod and prints them with sprintf("%1.17g").
target_link_libraries(hb_cjson PUBLIC m)
