-- wrk script: POST /api/auth/login with the seeded user's credentials. Usage: wrk -s login.lua URL -- EMAIL PASSWORD
function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = string.format('{"email":"%s","password":"%s"}', args[1], args[2])
end
