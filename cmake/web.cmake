# The web client (web/): npm ci from the committed lock file, vite build into web/dist
# (served by parleyd --web-root), and its tests as CTest tests: Vitest unit tests and the
# end-to-end flows in real Chromium against the real parleyd.
find_program(NPM_PROGRAM npm REQUIRED)
find_program(NODE_PROGRAM node REQUIRED)
set(PARLEY_WEB_DIR ${PROJECT_SOURCE_DIR}/web)

file(GLOB_RECURSE PARLEY_WEB_SOURCES CONFIGURE_DEPENDS
  ${PARLEY_WEB_DIR}/src/*
  ${PARLEY_WEB_DIR}/public/*)

# npm ci rewrites node_modules/.package-lock.json, which stamps the install.
add_custom_command(
  OUTPUT ${PARLEY_WEB_DIR}/node_modules/.package-lock.json
  COMMAND ${NPM_PROGRAM} ci --no-audit --no-fund --loglevel=error
  DEPENDS ${PARLEY_WEB_DIR}/package.json ${PARLEY_WEB_DIR}/package-lock.json
  WORKING_DIRECTORY ${PARLEY_WEB_DIR}
  COMMENT "Installing the web client's packages (npm ci)"
  VERBATIM)
add_custom_command(
  OUTPUT ${PARLEY_WEB_DIR}/dist/index.html
  COMMAND ${NPM_PROGRAM} run --silent build
  DEPENDS ${PARLEY_WEB_DIR}/node_modules/.package-lock.json ${PARLEY_WEB_SOURCES}
          ${PARLEY_WEB_DIR}/index.html ${PARLEY_WEB_DIR}/vite.config.ts ${PARLEY_WEB_DIR}/tsconfig.json
  WORKING_DIRECTORY ${PARLEY_WEB_DIR}
  COMMENT "Building the web client (web/dist)"
  VERBATIM)
add_custom_target(web ALL DEPENDS ${PARLEY_WEB_DIR}/dist/index.html)

if(PARLEY_TESTS)
  add_test(NAME web.unit COMMAND ${NPM_PROGRAM} run --silent test WORKING_DIRECTORY ${PARLEY_WEB_DIR})
  # One CTest test per flow file, each with its own parleyd and browsers, so they run in
  # parallel and fail one by one. Screenshots go to the build tree.
  file(GLOB PARLEY_WEB_E2E CONFIGURE_DEPENDS ${PARLEY_WEB_DIR}/e2e/*.e2e.mjs)
  foreach(flow ${PARLEY_WEB_E2E})
    get_filename_component(name ${flow} NAME_WE)
    add_test(NAME web.e2e.${name} COMMAND ${NODE_PROGRAM} ${flow} WORKING_DIRECTORY ${PARLEY_WEB_DIR})
    set_tests_properties(web.e2e.${name} PROPERTIES
      TIMEOUT 300
      ENVIRONMENT "PARLEYD=$<TARGET_FILE:parleyd>;PARLEY_SCREENSHOTS=${PROJECT_BINARY_DIR}/screenshots")
  endforeach()
endif()
