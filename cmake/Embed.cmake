# petitiond_embed(TARGET t SYMBOL Fn FILES f...) compiles the files into target t as
# a table returned by `const std::vector<EmbeddedFile>& Fn()` (sorted by file name),
# so the binary carries its migrations and calendars and cannot drift from a copy on disk.
set(PETITIOND_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed_files.cmake)
function(petitiond_embed)
  cmake_parse_arguments(E "" "TARGET;SYMBOL" "FILES" ${ARGN})
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${E_SYMBOL}_embedded.cpp")
  string(REPLACE ";" "|" files_arg "${E_FILES}")
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DSYMBOL=${E_SYMBOL} "-DFILES=${files_arg}" -DOUT=${out}
            -P ${PETITIOND_EMBED_SCRIPT}
    DEPENDS ${E_FILES} ${PETITIOND_EMBED_SCRIPT} COMMENT "Embedding ${E_SYMBOL}" VERBATIM)
  target_sources(${E_TARGET} PRIVATE ${out})
endfunction()
