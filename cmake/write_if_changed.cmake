# portlens_write_if_changed(<path> <content>): writes <content> to <path> only when it differs
# from what is there, so a generated source whose input did not change keeps its timestamp and
# triggers no recompile. For the embedding scripts run with `cmake -P`
# (src/registry/embed_text.cmake, src/server/embed_web.cmake).
function(portlens_write_if_changed path content)
  if(EXISTS "${path}")
    file(READ "${path}" previous)
    if(previous STREQUAL content)
      return()
    endif()
  endif()
  file(WRITE "${path}" "${content}")
endfunction()
